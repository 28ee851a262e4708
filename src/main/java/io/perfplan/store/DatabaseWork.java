package io.perfplan.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.mvstore.DataUtils;

/**
 * A unit of work on the history database that is run again, on a fresh connection, when it failed
 * for a reason that passes: several perfplan processes share one H2 file (AUTO_SERVER), and when the
 * process hosting it exits, the others' connections break and they race to host it next (H2 answers
 * "Lock file recently modified" or "database already open" for a moment); row locks and
 * serialization failures under contention pass too. Other errors are thrown at once.
 *
 * <p>A unit is retried whole, so it must be safe to run twice: a write whose commit may have
 * happened before the connection broke looks for its own row first (see {@link RunRepository#startRun}).
 * Retries back off from 20 ms to 1 s, with jitter, for up to {@link #PATIENCE}.
 */
public final class DatabaseWork {

    /** How long a unit keeps retrying a passing failure before it is reported. */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    /** The work, given a connection that is closed (returned to the pool) when it returns. */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * @param attempt 1 for the first try; a later attempt may follow a failure whose effects are unknown
         */
        T apply(Connection c, int attempt) throws SQLException;
    }

    private DatabaseWork() {}

    /** Runs {@code work} (in auto-commit mode), again while it fails for a passing reason. */
    public static <T> T run(DataSource ds, Work<T> work) throws SQLException {
        return retrying(ds, work, false);
    }

    /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws; retried whole. */
    public static <T> T inTransaction(DataSource ds, Work<T> work) throws SQLException {
        return retrying(ds, work, true);
    }

    /** As {@link #run(DataSource, Work)}; a failure becomes a {@link StoreException} saying what could not be done. */
    public static <T> T run(DataSource ds, String what, Work<T> work) {
        try {
            return run(ds, work);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** As {@link #inTransaction(DataSource, Work)}; a failure becomes a {@link StoreException} saying what could not be done. */
    public static <T> T inTransaction(DataSource ds, String what, Work<T> work) {
        try {
            return inTransaction(ds, work);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** One sentence for users: "could not {@code what} in the database: " and the innermost cause. */
    public static StoreException failure(String what, SQLException e) {
        return new StoreException("could not " + what + " in the database: " + Database.rootMessage(e), e);
    }

    /** The first column of the first row {@code sql} selects, as a long: how a retried write finds the row its earlier try may have committed. */
    static Optional<Long> firstLong(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private static <T> T retrying(DataSource ds, Work<T> work, boolean transaction) throws SQLException {
        return retry(attempt -> once(ds, work, attempt, transaction));
    }

    /** One try of work that reaches the database some other way (e.g. through Quartz's job store). */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T apply(int attempt) throws E;
    }

    /** Tries {@code attempt} again, with the same back-off and patience, while it fails for a passing reason ({@link #isTransient}). */
    @SuppressWarnings("unchecked")
    public static <T, E extends Exception> T retry(Attempt<T, E> attempt) throws E {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        long pauseMillis = 20;
        for (int n = 1; ; n++) {
            try {
                return attempt.apply(n);
            } catch (Exception e) {
                if (!isTransient(e) || System.nanoTime() > deadline) {
                    if (e instanceof RuntimeException r) {
                        throw r;
                    }
                    throw (E) e; // the only checked exception apply may throw
                }
            }
            try {
                Thread.sleep(pauseMillis + ThreadLocalRandom.current().nextLong(pauseMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to retry database work", e);
            }
            pauseMillis = Math.min(1000, pauseMillis * 2);
        }
    }

    private static <T> T once(DataSource ds, Work<T> work, int attempt, boolean transaction) throws SQLException {
        try (Connection c = ds.getConnection()) {
            // H2's client, when the process hosting an AUTO_SERVER file goes away under an
            // auto-committed statement, reconnects to the next host and runs the statement again by
            // itself: a statement whose commit reached the old host is then applied twice (a second
            // row, or a duplicate key this unit cannot tell from another's). Inside a transaction it
            // does not, and the retry here, which each unit is written for, decides instead.
            if (!transaction && !c.isWrapperFor(org.h2.jdbc.JdbcConnection.class)) {
                return work.apply(c, attempt);
            }
            c.setAutoCommit(false);
            try {
                T out = work.apply(c, attempt);
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback); // a broken connection cannot roll back; the server discards the transaction
                }
                throw e;
            }
        }
    }

    /**
     * Whether the failure passes by itself: anywhere in its causes, an H2 lock-file race while the
     * file changes hands, a broken or closing connection, a lock timeout or deadlock, or PostgreSQL's
     * serialization failure, deadlock, lock timeout or a dropped connection. A database that cannot
     * be reached at all (connection refused, bad password) is not transient.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException e && (isTransientCode(e) || closedPoolHandle(e))) {
                return true;
            }
        }
        return false;
    }

    /**
     * HikariCP's answer for a connection it has already closed (Quartz, in {@code serve}, may hold one
     * when the pool let a broken connection go): "Connection is closed", with no SQLState.
     */
    private static boolean closedPoolHandle(SQLException e) {
        return "Connection is closed".equals(e.getMessage()) && thrownIn(e, "com.zaxxer.hikari.");
    }

    /** Whether {@code t} was thrown by a class whose name starts with {@code prefix}. */
    private static boolean thrownIn(Throwable t, String prefix) {
        StackTraceElement[] at = t.getStackTrace();
        return at.length > 0 && at[0].getClassName().startsWith(prefix);
    }

    /**
     * H2's client fails with a NullPointerException (in {@code SessionRemote.removeServer}) when the
     * server closed the session in the middle of a command because the process hosting the database
     * shut down: a broken connection by another name.
     */
    private static boolean closedUnderCommand(SQLException e) {
        return e.getCause() instanceof NullPointerException npe && thrownIn(npe, "org.h2.engine.SessionRemote");
    }

    /**
     * The store closed, or the transaction was rolled back or closed, under the unit: MVStore's
     * "Transaction n has status ROLLED_BACK, not OPEN", "Transaction n is closed", "This store is
     * closed", when the hosting process shut the database down under a session; or MVStore's own
     * lock timeout and deadlock. A remote session gets only the message, which ends in H2's
     * {@code [version/code]}.
     */
    private static boolean storeGoneUnderCommand(SQLException e) {
        java.util.regex.Matcher m = MVSTORE_CODE.matcher(String.valueOf(e.getMessage()));
        while (m.find()) {
            if (PASSING_MVSTORE_CODES.contains(Integer.parseInt(m.group(1)))) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.regex.Pattern MVSTORE_CODE = java.util.regex.Pattern.compile("\\[\\d+(?:\\.\\d+)*/(\\d+)]");

    private static final java.util.Set<Integer> PASSING_MVSTORE_CODES = java.util.Set.of(DataUtils.ERROR_CLOSED,
            DataUtils.ERROR_TRANSACTION_LOCKED, DataUtils.ERROR_TRANSACTION_ILLEGAL_STATE, DataUtils.ERROR_TRANSACTIONS_DEADLOCK);

    private static boolean isTransientCode(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (e.getClass().getName().startsWith("org.h2.")) {
            return switch (e.getErrorCode()) {
                // FileLock's races: "Lock file recently modified", "Concurrent update", "Another process was faster"
                case ErrorCode.ERROR_OPENING_DATABASE_1 -> String.valueOf(e.getMessage()).contains("Lock file recently modified")
                        || String.valueOf(e.getMessage()).contains("Concurrent update")
                        || String.valueOf(e.getMessage()).contains("Another process was faster");
                // locked by a process whose server is not listening yet, or is gone
                case ErrorCode.DATABASE_ALREADY_OPEN_1, ErrorCode.CONNECTION_BROKEN_1, ErrorCode.DATABASE_IS_CLOSED,
                     ErrorCode.DATABASE_CALLED_AT_SHUTDOWN, ErrorCode.DATABASE_IS_IN_EXCLUSIVE_MODE,
                     ErrorCode.LOCK_TIMEOUT_1, ErrorCode.DEADLOCK_1, ErrorCode.CONCURRENT_UPDATE_1 -> true;
                case ErrorCode.GENERAL_ERROR_1 -> closedUnderCommand(e) || storeGoneUnderCommand(e);
                default -> false;
            };
        }
        // PostgreSQL (and SQL-standard) states: serialization failure, deadlock, lock not available,
        // connection lost or closed by an administrator (a restart)
        return state.equals("40001") || state.equals("40P01") || state.equals("55P03") || state.equals("08006")
                || state.equals("08003") || state.equals("57P01");
    }
}
