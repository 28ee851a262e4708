package io.perfplan.store;

import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs a user's SQL over the history, reading only. Defences, each enough on its own for most
 * attacks: {@link SqlGuard} accepts one reading statement and refuses functions that reach outside
 * the database; the connection is set read-only ({@code Connection.setReadOnly}, which PostgreSQL
 * enforces) and on PostgreSQL the transaction is declared {@code READ ONLY}; the statement runs in a
 * transaction that is always rolled back (H2 treats read-only as a hint only, so whatever DML got
 * past the classifier would be undone); a statement timeout and a row limit bound the work.
 */
public final class ReadOnlyQuery {

    private final DataSource ds;
    private final boolean postgres;

    public ReadOnlyQuery(Database db) {
        this(db.dataSource(), db.url().startsWith("jdbc:postgresql:"));
    }

    ReadOnlyQuery(DataSource ds, boolean postgres) {
        this.ds = ds;
        this.postgres = postgres;
    }

    /**
     * Columns and rows of a query. Values are Java numbers, booleans, strings, {@link java.time.Instant}s
     * (timestamps), or Base64 text (binary columns).
     *
     * @param truncated true when the query had more rows than the limit
     */
    public record Result(List<String> columns, List<List<Object>> rows, boolean truncated) {}

    /**
     * Checks and runs {@code sql}.
     *
     * @param maxRows rows returned at most, 1 or more
     * @param timeout how long the database may work on it, at least 1 s (JDBC counts whole seconds)
     * @throws SqlGuard.RefusedException when the statement could write or reach outside the database
     * @throws IllegalArgumentException when the database rejects the query (syntax, unknown table) or it times out
     */
    public Result run(String sql, int maxRows, Duration timeout) {
        SqlGuard.check(sql);
        return execute(sql, maxRows, timeout);
    }

    /** Runs {@code sql} behind the connection's defences only, without the classifier (tests check those layers alone). */
    Result execute(String sql, int maxRows, Duration timeout) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("the row limit must be at least 1");
        }
        String statement = sql.strip();
        if (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1);
        }
        String query = statement;
        try {
            // reads only, so it may run again on a fresh connection while another process hands the database over
            return DatabaseWork.run(ds, (c, attempt) -> {
                c.setAutoCommit(false);
                c.setReadOnly(true);
                try {
                    if (postgres) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SET TRANSACTION READ ONLY");
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement(query)) {
                        ps.setQueryTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000)));
                        ps.setMaxRows(maxRows == Integer.MAX_VALUE ? 0 : maxRows + 1);
                        try (ResultSet rs = ps.executeQuery()) {
                            return read(rs, maxRows);
                        }
                    }
                } finally {
                    c.rollback();
                    c.setReadOnly(false);
                    c.setAutoCommit(true);
                }
            });
        } catch (SQLException e) {
            if (e instanceof SQLTimeoutException || isTimeout(e)) {
                throw new IllegalArgumentException("the query ran longer than " + timeout.toSeconds()
                        + "s; narrow it (WHERE, LIMIT) or raise --timeout", e);
            }
            throw new IllegalArgumentException("the database refused the query: " + Database.rootMessage(e)
                    + " (the tables are listed in the README under History database)", e);
        }
    }

    private static boolean isTimeout(SQLException e) {
        // H2: 57014 "Statement was canceled or the session timed out"; PostgreSQL: 57014 query_canceled
        return "57014".equals(e.getSQLState()) || "HY008".equals(e.getSQLState());
    }

    private static Result read(ResultSet rs, int maxRows) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT));
        }
        List<List<Object>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
            if (rows.size() == maxRows) {
                truncated = true;
                break;
            }
            List<Object> row = new ArrayList<>(columns.size());
            for (int i = 1; i <= columns.size(); i++) {
                row.add(value(rs.getObject(i)));
            }
            rows.add(row);
        }
        return new Result(columns, rows, truncated);
    }

    private static Object value(Object v) throws SQLException {
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (v instanceof java.time.OffsetDateTime t) {
            return t.toInstant();
        }
        if (v instanceof Clob c) {
            return c.getSubString(1, (int) Math.min(Integer.MAX_VALUE, c.length()));
        }
        if (v instanceof Blob b) {
            return Base64.getEncoder().encodeToString(b.getBytes(1, (int) Math.min(Integer.MAX_VALUE, b.length())));
        }
        if (v instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return v.toString();
    }
}
