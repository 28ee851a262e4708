package io.perfplan.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;

/** Metric values across runs of a plan (plain JDBC), for regression windows, change points and trends. */
public final class HistoryRepository {

    private final DataSource ds;

    public HistoryRepository(DataSource ds) {
        this.ds = ds;
    }

    /** One run's value of one metric. */
    public record PointRow(long runId, Instant startedAt, String status, double value, String unit, String direction) {}

    /** A metric some run of a plan stored, named {@code <step>.<name>}. */
    public record MetricName(String stepId, String name) {
        public String fullName() {
            return stepId + "." + name;
        }
    }

    /**
     * Values of {@code <stepId>.<metric>} in runs of {@code plan} with id below {@code beforeRunId}
     * and a status among {@code statuses} (all statuses when empty), the newest {@code limit},
     * returned oldest first.
     */
    public List<PointRow> series(String plan, String stepId, String metric, long beforeRunId, List<String> statuses, int limit) {
        StringBuilder sql = new StringBuilder("SELECT r.id, r.started_at, r.status, m.metric_value, m.unit, m.direction"
                + " FROM metrics m JOIN runs r ON r.id = m.run_id"
                + " WHERE r.plan = ? AND m.step_id = ? AND m.name = ? AND r.id < ?");
        if (!statuses.isEmpty()) {
            sql.append(" AND r.status IN (").append(String.join(", ", Collections.nCopies(statuses.size(), "?"))).append(")");
        }
        sql.append(" ORDER BY r.plan, r.id DESC"); // matches the index runs_plan_id: newest first, stops at the limit
        List<PointRow> out;
        try {
            out = DatabaseWork.run(ds, (c, attempt) -> {
                List<PointRow> points = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    ps.setString(1, plan);
                    ps.setString(2, stepId);
                    ps.setString(3, metric);
                    ps.setLong(4, beforeRunId);
                    for (int i = 0; i < statuses.size(); i++) {
                        ps.setString(5 + i, statuses.get(i));
                    }
                    ps.setMaxRows(Math.max(0, limit));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Timestamp t = rs.getTimestamp(2);
                            points.add(new PointRow(rs.getLong(1), t == null ? null : t.toInstant(), rs.getString(3), rs.getDouble(4),
                                    rs.getString(5), rs.getString(6)));
                        }
                    }
                }
                return points;
            });
        } catch (SQLException e) {
            throw new StoreException("could not read the history of " + stepId + "." + metric + " in the database: "
                    + Database.rootMessage(e), e);
        }
        Collections.reverse(out);
        return out;
    }

    /** Every metric any run of {@code plan} stored, sorted. */
    public List<MetricName> metricNames(String plan) {
        try {
            return DatabaseWork.run(ds, (c, attempt) -> {
                List<MetricName> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT DISTINCT m.step_id, m.name FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.plan = ?"
                                + " ORDER BY m.step_id, m.name")) {
                    ps.setString(1, plan);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new MetricName(rs.getString(1), rs.getString(2)));
                        }
                    }
                }
                return out;
            });
        } catch (SQLException e) {
            throw new StoreException("could not list the metrics of plan " + plan + " in the database: " + Database.rootMessage(e), e);
        }
    }
}
