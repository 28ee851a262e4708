package io.perfplan.store;

import io.perfplan.core.stats.ChangePoints;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Deletes runs older than a cut-off with everything they stored (steps, metrics, samples,
 * histograms, alerts; deployments keep their row without the run). Never deleted: runs still
 * {@code running}; the run each baseline points at; and, for an unpinned (rolling) baseline, the
 * finished runs of its plan up to its run that a regression window may read — twice the larger
 * of its window (default {@value #DEFAULT_WINDOW}) and the change-point window, as validate reads.
 * A prune is one {@link DatabaseWork} transaction, retried whole while another process hands the
 * database over.
 */
public final class Retention {

    /** The regression window validate uses when a baseline has none stored. */
    public static final int DEFAULT_WINDOW = 20;

    private final DataSource ds;

    public Retention(DataSource ds) {
        this.ds = ds;
    }

    /**
     * What a prune did (or would do).
     *
     * @param deleted ids of the runs deleted (or that would be)
     * @param keptForBaselines runs older than the cut-off kept because a baseline needs them
     */
    public record Outcome(List<Long> deleted, int keptForBaselines) {

        /** One line for users: how many runs went (or would go), and how many older ones baselines kept. */
        public String summary(boolean dryRun, java.time.Duration keep) {
            int n = deleted.size();
            return (dryRun ? "would delete " : "deleted ") + n + (n == 1 ? " run" : " runs") + " older than " + age(keep)
                    + (keptForBaselines == 0 ? "" : "; kept " + keptForBaselines + " older "
                    + (keptForBaselines == 1 ? "run" : "runs") + " that baselines need");
        }

        private static String age(java.time.Duration d) {
            if (d.toSecondsPart() == 0 && d.toNanosPart() == 0 && d.toMinutesPart() == 0) {
                return d.toHoursPart() == 0 ? d.toDays() + "d" : d.toHours() + "h";
            }
            return d.toSeconds() + "s";
        }
    }

    /**
     * Deletes runs started before {@code before}, of {@code plan} only when it is not null.
     *
     * @param dryRun when true, deletes nothing and says what would go
     */
    public Outcome prune(Instant before, String plan, boolean dryRun) {
        // what the tries set out to delete: an earlier try's commit may have happened before its
        // connection broke, and a retry, finding those runs gone, must still report them
        Set<Long> setOutToDelete = new TreeSet<>();
        return DatabaseWork.inTransaction(ds, "prune old runs", (c, attempt) -> {
            Set<Long> protectedRuns = protectedRuns(c);
            List<Long> old = new ArrayList<>();
            String sql = "SELECT id FROM runs WHERE started_at < ? AND status <> 'running'" + (plan == null ? "" : " AND plan = ?")
                    + " ORDER BY id";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setTimestamp(1, Timestamp.from(before));
                if (plan != null) {
                    ps.setString(2, plan);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        old.add(rs.getLong(1));
                    }
                }
            }
            List<Long> deleted = old.stream().filter(id -> !protectedRuns.contains(id)).toList();
            if (dryRun) {
                return new Outcome(deleted, old.size() - deleted.size());
            }
            Set<Long> gone = new TreeSet<>(setOutToDelete);
            gone.removeAll(old); // still there: that try's transaction was rolled back, and this one deletes them again
            setOutToDelete.addAll(deleted);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM runs WHERE id = ?")) {
                int batch = 0;
                for (long id : deleted) {
                    ps.setLong(1, id);
                    ps.addBatch();
                    if (++batch % 500 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            gone.addAll(deleted);
            return new Outcome(List.copyOf(gone), old.size() - deleted.size());
        });
    }

    /** Runs a baseline points at or whose window a gate may read. */
    private static Set<Long> protectedRuns(Connection c) throws SQLException {
        Set<Long> out = new TreeSet<>();
        List<Object[]> rolling = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT plan, run_id, pinned, window_size FROM baselines WHERE run_id IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long runId = rs.getLong(2);
                out.add(runId);
                if (!rs.getBoolean(3)) {
                    int window = rs.getInt(4);
                    int size = rs.wasNull() ? DEFAULT_WINDOW : window;
                    rolling.add(new Object[] {rs.getString(1), runId, 2 * Math.max(size, ChangePoints.Settings.defaults().window())});
                }
            }
        }
        for (Object[] b : rolling) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM runs WHERE plan = ? AND id <= ? AND status IN ('passed', 'failed') ORDER BY id DESC")) {
                ps.setString(1, (String) b[0]);
                ps.setLong(2, (Long) b[1]);
                ps.setMaxRows((Integer) b[2]);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
        }
        return out;
    }
}
