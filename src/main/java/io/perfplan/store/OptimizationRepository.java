package io.perfplan.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The trials of {@code optimize} steps, written one by one as they end (so a cancelled search keeps
 * them), and the configuration files those steps wrote, with the previous content so a change can be
 * undone later (plain JDBC, table {@code optimization_trials} and {@code optimizations}). Every call
 * is a {@link DatabaseWork} unit, safe to retry while another process hands the database over.
 */
public final class OptimizationRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> PARAMS = new TypeReference<>() {};

    private final DataSource ds;

    public OptimizationRepository(DataSource ds) {
        this.ds = ds;
    }

    /**
     * One trial of one step attempt.
     *
     * @param role      {@code current} or {@code candidate}
     * @param objective NaN-free objective value, or null when the trial failed
     */
    public record TrialRow(long runId, String stepId, int attempt, int number, String role, int rung,
                           Map<String, String> parameters, double[] samples, Double objective, String error,
                           long tookMillis, Instant recordedAt) {}

    /**
     * A configuration file written by a step.
     *
     * @param status {@code applied}, or {@code undone} once the previous content was put back
     */
    public record ChangeRow(long id, Long runId, String plan, String stepId, String file, String format,
                            Map<String, String> parameters, boolean previousExisted, byte[] previousContent,
                            byte[] appliedContent, String status, Instant appliedAt, Instant undoneAt, String undoReason) {}

    /** Records a trial; a retry after a broken commit finds the trial by its key and does not write it twice. */
    public void saveTrial(TrialRow t) {
        String sql = "INSERT INTO optimization_trials (run_id, step_id, attempt, trial_no, role, rung, parameters, sample_values,"
                + " objective, error, took_ms, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        DatabaseWork.run(ds, "record trial " + t.number() + " of step " + t.stepId(), (c, attempt) -> {
            if (attempt > 1 && DatabaseWork.firstLong(c, "SELECT COUNT(*) FROM optimization_trials WHERE run_id = ? AND step_id = ?"
                            + " AND attempt = ? AND trial_no = ? AND rung = ? AND role = ?",
                    t.runId(), t.stepId(), t.attempt(), t.number(), t.rung(), t.role()).orElse(0L) > 0) {
                return null; // recorded by the first try
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, t.runId());
                ps.setString(2, t.stepId());
                ps.setInt(3, t.attempt());
                ps.setInt(4, t.number());
                ps.setString(5, t.role());
                ps.setInt(6, t.rung());
                ps.setString(7, json(t.parameters()));
                ps.setString(8, RunRepository.encode(t.samples()));
                if (t.objective() == null) {
                    ps.setNull(9, Types.DOUBLE);
                } else {
                    ps.setDouble(9, t.objective());
                }
                ps.setString(10, t.error());
                ps.setLong(11, t.tookMillis());
                ps.setTimestamp(12, Timestamp.from(t.recordedAt()));
                ps.executeUpdate();
                return null;
            }
        });
    }

    /** The trials of a run, by step, attempt and the order they ran. */
    public List<TrialRow> trials(long runId) {
        String sql = "SELECT * FROM optimization_trials WHERE run_id = ? ORDER BY step_id, attempt, recorded_at, trial_no, rung";
        return DatabaseWork.run(ds, "read the trials of run " + runId, (c, attempt) -> {
            List<TrialRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        double value = rs.getDouble("objective");
                        Double objective = rs.wasNull() ? null : value;
                        out.add(new TrialRow(runId, rs.getString("step_id"), rs.getInt("attempt"), rs.getInt("trial_no"),
                                rs.getString("role"), rs.getInt("rung"), params(rs.getString("parameters")),
                                RunRepository.decode(rs.getString("sample_values")), objective,
                                rs.getString("error"), rs.getLong("took_ms"), rs.getTimestamp("recorded_at").toInstant()));
                    }
                }
            }
            return out;
        });
    }

    /** Records a written file; returns its id. A retry after a broken commit finds the row by step, file and time, and returns its id. */
    public long saveChange(ChangeRow r) {
        String sql = "INSERT INTO optimizations (run_id, plan, step_id, file_path, file_format, parameters, previous_existed,"
                + " previous_content, applied_content, status, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'applied', ?)";
        // microseconds, as the column keeps them: a retry finds this very row by its time
        Timestamp appliedAt = Timestamp.from((r.appliedAt() == null ? Instant.now() : r.appliedAt()).truncatedTo(ChronoUnit.MICROS));
        return DatabaseWork.run(ds, "record the configuration written by step " + r.stepId(), (c, attempt) -> {
            if (attempt > 1) { // the first try may have committed before its connection broke
                String mine = "SELECT id FROM optimizations WHERE plan = ? AND step_id = ? AND file_path = ? AND applied_at = ? AND "
                        + (r.runId() == null ? "run_id IS NULL" : "run_id = ?") + " ORDER BY id DESC";
                Optional<Long> id = r.runId() == null ? DatabaseWork.firstLong(c, mine, r.plan(), r.stepId(), r.file(), appliedAt)
                        : DatabaseWork.firstLong(c, mine, r.plan(), r.stepId(), r.file(), appliedAt, r.runId());
                if (id.isPresent()) {
                    return id.get();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
                if (r.runId() == null) {
                    ps.setNull(1, Types.BIGINT);
                } else {
                    ps.setLong(1, r.runId());
                }
                ps.setString(2, r.plan());
                ps.setString(3, r.stepId());
                ps.setString(4, r.file());
                ps.setString(5, r.format());
                ps.setString(6, json(r.parameters()));
                ps.setBoolean(7, r.previousExisted());
                ps.setBytes(8, r.previousContent());
                ps.setBytes(9, r.appliedContent());
                ps.setTimestamp(10, appliedAt);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    /** The newest change of a plan's step that is still applied (not undone). */
    public Optional<ChangeRow> lastApplied(String plan, String stepId) {
        String sql = "SELECT * FROM optimizations WHERE plan = ? AND step_id = ? AND status = 'applied' ORDER BY id DESC";
        return DatabaseWork.run(ds, "read the configuration changes of step " + stepId, (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setMaxRows(1);
                ps.setString(1, plan);
                ps.setString(2, stepId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(change(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The changes written during a run, oldest first. */
    public List<ChangeRow> changesOfRun(long runId) {
        return DatabaseWork.run(ds, "read the configuration changes of run " + runId, (c, attempt) -> {
            List<ChangeRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM optimizations WHERE run_id = ? ORDER BY id")) {
                ps.setLong(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(change(rs));
                    }
                }
            }
            return out;
        });
    }

    /** Marks a change undone (its previous content was put back). */
    public void markUndone(long id, String reason) {
        Timestamp undoneAt = Timestamp.from(Instant.now()); // absolute values: a retry writes the same
        DatabaseWork.run(ds, "mark configuration change " + id + " undone", (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE optimizations SET status = 'undone', undone_at = ?, undo_reason = ? WHERE id = ?")) {
                ps.setTimestamp(1, undoneAt);
                ps.setString(2, reason);
                ps.setLong(3, id);
                return ps.executeUpdate();
            }
        });
    }

    private static ChangeRow change(ResultSet rs) throws SQLException {
        long run = rs.getLong("run_id");
        Long runId = rs.wasNull() ? null : run;
        Timestamp undone = rs.getTimestamp("undone_at");
        return new ChangeRow(rs.getLong("id"), runId, rs.getString("plan"), rs.getString("step_id"), rs.getString("file_path"),
                rs.getString("file_format"), params(rs.getString("parameters")), rs.getBoolean("previous_existed"),
                rs.getBytes("previous_content"), rs.getBytes("applied_content"), rs.getString("status"),
                rs.getTimestamp("applied_at").toInstant(), undone == null ? null : undone.toInstant(), rs.getString("undo_reason"));
    }

    private static String json(Map<String, String> parameters) {
        try {
            return JSON.writeValueAsString(parameters);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> params(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, PARAMS);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
