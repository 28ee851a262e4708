package io.perfplan.schedule;

import io.perfplan.store.DatabaseWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code schedule_firings} table: one row per firing of a scheduled plan, keyed by plan and
 * scheduled time, so a firing is claimed by one node only. The outcome is {@code running}, then the
 * run's status, or {@code skipped} (overlap) or {@code not-run} (the plan could not start).
 */
public final class FiringLog {

    private final DataSource ds;

    public FiringLog(DataSource ds) {
        this.ds = ds;
    }

    /** One firing as recorded. */
    public record Firing(String plan, Instant scheduledAt, Instant firedAt, String node, String outcome, Long runId, Long recoveredRun) {}

    /** Records a firing for this node; false when another node has already claimed the same firing. */
    public boolean claim(String plan, Instant scheduledAt, String node, String outcome) {
        Timestamp firedAt = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
        return work("record a firing of plan " + plan, (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO schedule_firings (plan, scheduled_at, fired_at, node, outcome) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, plan);
                ps.setTimestamp(2, Timestamp.from(scheduledAt));
                ps.setTimestamp(3, firedAt);
                ps.setString(4, node);
                ps.setString(5, outcome);
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                    throw e;
                }
                // the key exists: another node's claim, or this one's first try, committed before its connection broke
                return attempt > 1 && find(c, plan, scheduledAt).filter(f -> f.node().equals(node)
                        && f.firedAt().equals(firedAt.toInstant())).isPresent();
            }
        });
    }

    public Optional<Firing> find(String plan, Instant scheduledAt) {
        return work("read a firing of plan " + plan, (c, attempt) -> find(c, plan, scheduledAt));
    }

    private static Optional<Firing> find(Connection c, String plan, Instant scheduledAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM schedule_firings WHERE plan = ? AND scheduled_at = ?")) {
            ps.setString(1, plan);
            ps.setTimestamp(2, Timestamp.from(scheduledAt));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** The newest firings first, of one plan or (plan null) of all. */
    public List<Firing> recent(String plan, int limit) {
        String sql = "SELECT * FROM schedule_firings" + (plan == null ? "" : " WHERE plan = ?") + " ORDER BY scheduled_at DESC";
        return work("read the firings", (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setMaxRows(limit);
                if (plan != null) {
                    ps.setString(1, plan);
                }
                List<Firing> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
                return out;
            }
        });
    }

    /** The newest firing of each plan, by plan name. */
    public Map<String, Firing> latestByPlan() {
        return work("read the firings", (c, attempt) -> {
            Map<String, Firing> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT f.* FROM schedule_firings f WHERE f.scheduled_at = (SELECT MAX(g.scheduled_at) FROM schedule_firings g WHERE g.plan = f.plan)");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Firing f = row(rs);
                    out.put(f.plan(), f);
                }
            }
            return out;
        });
    }

    public void setRun(String plan, Instant scheduledAt, long runId) {
        update("UPDATE schedule_firings SET run_id = ? WHERE plan = ? AND scheduled_at = ?", runId, plan, Timestamp.from(scheduledAt));
    }

    public void setOutcome(String plan, Instant scheduledAt, String outcome) {
        update("UPDATE schedule_firings SET outcome = ? WHERE plan = ? AND scheduled_at = ?", outcome, plan, Timestamp.from(scheduledAt));
    }

    /**
     * This node takes over a firing whose node died: the dead node's run is marked {@code interrupted}
     * and kept as {@code recovered_run}; the firing is {@code running} again here.
     */
    public void takeOver(Firing dead, String node) {
        if (dead.runId() != null) {
            Timestamp now = Timestamp.from(Instant.now());
            update("UPDATE step_runs SET status = 'interrupted', finished_at = ? WHERE run_id = ? AND status = 'running'", now, dead.runId());
            update("UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ? AND status = 'running'", now,
                    "node " + dead.node() + " stopped during the run; node " + node + " ran the firing again", dead.runId());
        }
        update("UPDATE schedule_firings SET node = ?, fired_at = ?, outcome = 'running', run_id = NULL, recovered_run = ?"
                        + " WHERE plan = ? AND scheduled_at = ?", node, Timestamp.from(Instant.now()), dead.runId(), dead.plan(),
                Timestamp.from(dead.scheduledAt()));
    }

    /** Whether another firing of the plan's job is executing anywhere in the cluster (Quartz's fired-trigger rows). */
    public boolean otherRunGoing(String plan, String fireInstanceId) {
        return work("check for a running firing of plan " + plan, (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM QRTZ_FIRED_TRIGGERS WHERE SCHED_NAME = ? AND JOB_NAME = ? AND JOB_GROUP = ?"
                            + " AND STATE = 'EXECUTING' AND ENTRY_ID <> ?")) {
                ps.setString(1, PlanScheduler.NAME);
                ps.setString(2, plan);
                ps.setString(3, PlanScheduler.GROUP);
                ps.setString(4, fireInstanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getLong(1) > 0;
                }
            }
        });
    }

    private static Firing row(ResultSet rs) throws SQLException {
        long run = rs.getLong("run_id");
        Long runId = rs.wasNull() ? null : run;
        long rec = rs.getLong("recovered_run");
        Long recovered = rs.wasNull() ? null : rec;
        return new Firing(rs.getString("plan"), rs.getTimestamp("scheduled_at").toInstant(), rs.getTimestamp("fired_at").toInstant(),
                rs.getString("node"), rs.getString("outcome"), runId, recovered);
    }

    private void update(String sql, Object... args) {
        work("update the firings", (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    /** Runs the unit with {@link DatabaseWork}'s retries (the database may be changing hands); each unit is safe to run twice. */
    private <T> T work(String what, DatabaseWork.Work<T> unit) {
        try {
            return DatabaseWork.run(ds, unit);
        } catch (SQLException e) {
            throw fail(what, e);
        }
    }

    private static ScheduleException fail(String what, SQLException e) {
        return new ScheduleException("could not " + what + " in the database: " + io.perfplan.store.Database.rootMessage(e), e);
    }
}
