package io.perfplan.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Named baselines (plain JDBC): which run a plan's gates compare with, whether a person pinned it,
 * and how many passed runs a rolling window holds.
 */
public final class BaselineRepository {

    private final DataSource ds;

    public BaselineRepository(DataSource ds) {
        this.ds = ds;
    }

    /**
     * One baseline.
     *
     * @param windowSize passed runs in the rolling window, or null when none was set
     */
    public record BaselineRow(String name, String plan, long runId, boolean pinned, Integer windowSize, Instant createdAt) {}

    public Optional<BaselineRow> find(String name) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT * FROM baselines WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw fail("read baseline " + name, e);
        }
    }

    public List<BaselineRow> all() {
        List<BaselineRow> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT * FROM baselines ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
            return out;
        } catch (SQLException e) {
            throw fail("list the baselines", e);
        }
    }

    /** Creates the baseline or replaces what it points at (portable: update, else insert, in one transaction). */
    public void put(BaselineRow b) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                int updated;
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE baselines SET plan = ?, run_id = ?, pinned = ?, window_size = ?, created_at = ? WHERE name = ?")) {
                    bind(ps, b);
                    updated = ps.executeUpdate();
                }
                if (updated == 0) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO baselines (plan, run_id, pinned, window_size, created_at, name) VALUES (?, ?, ?, ?, ?, ?)")) {
                        bind(ps, b);
                        ps.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw fail("store baseline " + b.name(), e);
        }
    }

    /** Deletes the baseline; false when there was none of that name. */
    public boolean delete(String name) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM baselines WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw fail("delete baseline " + name, e);
        }
    }

    private static void bind(PreparedStatement ps, BaselineRow b) throws SQLException {
        ps.setString(1, b.plan());
        ps.setLong(2, b.runId());
        ps.setBoolean(3, b.pinned());
        if (b.windowSize() == null) {
            ps.setNull(4, java.sql.Types.INTEGER);
        } else {
            ps.setInt(4, b.windowSize());
        }
        ps.setTimestamp(5, Timestamp.from(b.createdAt() == null ? Instant.now() : b.createdAt()));
        ps.setString(6, b.name());
    }

    private static BaselineRow row(ResultSet rs) throws SQLException {
        int window = rs.getInt("window_size");
        Integer windowSize = rs.wasNull() ? null : window;
        Timestamp created = rs.getTimestamp("created_at");
        return new BaselineRow(rs.getString("name"), rs.getString("plan"), rs.getLong("run_id"), rs.getBoolean("pinned"),
                windowSize, created == null ? null : created.toInstant());
    }

    private static StoreException fail(String what, SQLException e) {
        return new StoreException("could not " + what + " in the database: " + Database.rootMessage(e), e);
    }
}
