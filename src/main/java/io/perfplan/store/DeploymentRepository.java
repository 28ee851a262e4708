package io.perfplan.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Deployments of services (plain JDBC) and the per service-and-environment lock a deployment holds.
 * The lock is a row whose primary key makes a second insert fail, so it holds across processes and
 * nodes sharing the database; a lock whose holder is gone (its run finished, or its process on this
 * node died) is taken over. Every call is a {@link DatabaseWork} unit, safe to retry while another
 * process hands the database over.
 */
public final class DeploymentRepository {

    private final DataSource ds;

    public DeploymentRepository(DataSource ds) {
        this.ds = ds;
    }

    /** One deployment; {@code details} is JSON text. */
    public record DeploymentRow(long id, String service, String environment, String version, String status, Long runId,
                                Instant startedAt, Instant finishedAt, String details) {}

    /** Who holds a lock. */
    public record LockRow(String service, String environment, String owner, Long runId, String stepId, String node, long pid,
                          long pidStarted, Instant acquiredAt) {}

    /** Thrown when another live deployment holds the lock; the message says who and since when. */
    public static final class LockedException extends RuntimeException {
        private final LockRow holder;

        LockedException(String message, LockRow holder) {
            super(message);
            this.holder = holder;
        }

        public LockRow holder() {
            return holder;
        }
    }

    public long insert(String service, String environment, String version, String status, Long runId, String details) {
        // microseconds, as the column keeps them: a retry finds this very row by its start time
        Timestamp startedAt = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
        return DatabaseWork.run(ds, "record the deployment of " + service + " " + version, (c, attempt) -> {
            if (attempt > 1) { // the first try may have committed before its connection broke
                String mine = "SELECT id FROM deployments WHERE service = ? AND environment = ? AND version = ? AND started_at = ? AND "
                        + (runId == null ? "run_id IS NULL" : "run_id = ?");
                Optional<Long> id = runId == null ? DatabaseWork.firstLong(c, mine, service, environment, version, startedAt)
                        : DatabaseWork.firstLong(c, mine, service, environment, version, startedAt, runId);
                if (id.isPresent()) {
                    return id.get();
                }
            }
            String sql = "INSERT INTO deployments (service, environment, version, status, run_id, started_at, details) VALUES (?, ?, ?, ?, ?, ?, ?)";
            try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
                ps.setString(1, service);
                ps.setString(2, environment);
                ps.setString(3, version);
                ps.setString(4, status);
                if (runId == null) {
                    ps.setNull(5, Types.BIGINT);
                } else {
                    ps.setLong(5, runId);
                }
                ps.setTimestamp(6, startedAt);
                ps.setString(7, details);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    /** Sets a deployment's status, its details when not null, and its end time when {@code finished}. */
    public void update(long id, String status, String details, boolean finished) {
        StringBuilder sql = new StringBuilder("UPDATE deployments SET status = ?");
        if (details != null) {
            sql.append(", details = ?");
        }
        if (finished) {
            sql.append(", finished_at = ?");
        }
        sql.append(" WHERE id = ?");
        Timestamp finishedAt = Timestamp.from(Instant.now()); // absolute values: a retry writes the same
        DatabaseWork.run(ds, "update deployment " + id, (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                ps.setString(i++, status);
                if (details != null) {
                    ps.setString(i++, details);
                }
                if (finished) {
                    ps.setTimestamp(i++, finishedAt);
                }
                ps.setLong(i, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Deployments, newest first; null filters match everything. */
    public List<DeploymentRow> list(String service, String environment, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM deployments WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        if (service != null) {
            sql.append(" AND service = ?");
            args.add(service);
        }
        if (environment != null) {
            sql.append(" AND environment = ?");
            args.add(environment);
        }
        sql.append(" ORDER BY id DESC");
        return DatabaseWork.run(ds, "list the deployments", (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                ps.setMaxRows(Math.max(1, limit));
                for (int i = 0; i < args.size(); i++) {
                    ps.setString(i + 1, args.get(i));
                }
                List<DeploymentRow> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long run = rs.getLong("run_id");
                        Long runId = rs.wasNull() ? null : run;
                        Timestamp fin = rs.getTimestamp("finished_at");
                        out.add(new DeploymentRow(rs.getLong("id"), rs.getString("service"), rs.getString("environment"),
                                rs.getString("version"), rs.getString("status"), runId,
                                rs.getTimestamp("started_at").toInstant(), fin == null ? null : fin.toInstant(), rs.getString("details")));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Takes the lock of {@code service} in {@code environment} for this process, taking over a stale
     * one; returns the owner token to release it with. Throws {@link LockedException} when a live
     * holder has it.
     */
    public String acquire(String service, String environment, Long runId, String stepId) {
        String owner = UUID.randomUUID().toString();
        for (int attempt = 0; attempt < 3; attempt++) {
            if (tryInsert(service, environment, owner, runId, stepId)) {
                return owner;
            }
            Optional<LockRow> holder = holder(service, environment);
            if (holder.isEmpty()) {
                continue; // released in between
            }
            LockRow h = holder.get();
            Optional<String> stale = staleReason(h);
            if (stale.isEmpty()) {
                throw new LockedException("another deployment of " + service + " in environment " + environment
                        + " is in progress (run " + (h.runId() == null ? "?" : h.runId()) + ", step " + h.stepId() + ", pid "
                        + h.pid() + " on " + h.node() + ", since " + h.acquiredAt() + "); wait for it to finish and try again", h);
            }
            deleteIfOwner(service, environment, h.owner());
        }
        throw new LockedException("could not take the deployment lock of " + service + " in environment " + environment
                + " after three tries; other deployments keep taking it, try again", null);
    }

    /** Releases the lock if {@code owner} still holds it. */
    public void release(String service, String environment, String owner) {
        deleteIfOwner(service, environment, owner);
    }

    public Optional<LockRow> holder(String service, String environment) {
        return DatabaseWork.run(ds, "read the deployment lock of " + service, (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM deploy_locks WHERE service = ? AND environment = ?")) {
                ps.setString(1, service);
                ps.setString(2, environment);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long run = rs.getLong("run_id");
                    Long runId = rs.wasNull() ? null : run;
                    return Optional.of(new LockRow(rs.getString("service"), rs.getString("environment"), rs.getString("owner"), runId,
                            rs.getString("step_id"), rs.getString("node"), rs.getLong("pid"), rs.getLong("pid_started"),
                            rs.getTimestamp("acquired_at").toInstant()));
                }
            }
        });
    }

    /** Why a lock's holder is gone: its run is no longer running, or its process on this node has ended. */
    private Optional<String> staleReason(LockRow h) {
        if (h.runId() != null) {
            Optional<String> runStatus = DatabaseWork.run(ds, "check the deployment lock's run", (c, attempt) -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT status FROM runs WHERE id = ?")) {
                    ps.setLong(1, h.runId());
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                    }
                }
            });
            if (runStatus.isEmpty()) {
                return Optional.of("its run was deleted");
            }
            if (!runStatus.get().equals("running")) {
                return Optional.of("its run is " + runStatus.get());
            }
        }
        if (h.node().equals(RunRepository.node())) {
            boolean alive = ProcessHandle.of(h.pid()).filter(ProcessHandle::isAlive)
                    .map(p -> h.pidStarted() == 0 || p.info().startInstant().map(i -> i.toEpochMilli() == h.pidStarted()).orElse(true))
                    .orElse(false);
            if (!alive) {
                return Optional.of("its process " + h.pid() + " has ended");
            }
        }
        return Optional.empty();
    }

    /**
     * Inserts the lock row for {@code owner}; false when another holds it. A retry whose earlier try
     * committed before its connection broke finds the row already {@code owner}'s and has the lock,
     * rather than being refused by itself.
     */
    private boolean tryInsert(String service, String environment, String owner, Long runId, String stepId) {
        String sql = "INSERT INTO deploy_locks (service, environment, owner, run_id, step_id, node, pid, pid_started, acquired_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        ProcessHandle self = ProcessHandle.current();
        Timestamp acquiredAt = Timestamp.from(Instant.now());
        return DatabaseWork.run(ds, "take the deployment lock of " + service, (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, service);
                ps.setString(2, environment);
                ps.setString(3, owner);
                if (runId == null) {
                    ps.setNull(4, Types.BIGINT);
                } else {
                    ps.setLong(4, runId);
                }
                ps.setString(5, stepId);
                ps.setString(6, RunRepository.node());
                ps.setLong(7, self.pid());
                ps.setLong(8, self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
                ps.setTimestamp(9, acquiredAt);
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (!isDuplicateKey(e)) {
                    throw e;
                }
                // the owner token is this call's own, so a row carrying it was written by an earlier try of this very insert
                return DatabaseWork.firstLong(c, "SELECT COUNT(*) FROM deploy_locks WHERE service = ? AND environment = ? AND owner = ?",
                        service, environment, owner).orElse(0L) > 0;
            }
        });
    }

    private void deleteIfOwner(String service, String environment, String owner) {
        // deletes only the given owner's row: a retry after a broken commit deletes nothing more
        DatabaseWork.run(ds, "release the deployment lock of " + service, (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM deploy_locks WHERE service = ? AND environment = ? AND owner = ?")) {
                ps.setString(1, service);
                ps.setString(2, environment);
                ps.setString(3, owner);
                return ps.executeUpdate();
            }
        });
    }

    /** SQLState class 23 (integrity constraint violation): H2 23505, PostgreSQL 23505. */
    private static boolean isDuplicateKey(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}
