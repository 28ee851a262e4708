package io.perfplan.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import javax.sql.DataSource;

/**
 * Runs, step attempts, metrics and samples (plain JDBC). A step's rows are written in one
 * transaction when it ends, so a crash loses nothing that had finished. Every call is a
 * {@link DatabaseWork} unit: retried while the database is briefly unavailable (another process
 * handing over the H2 file, a lock), and safe to retry.
 */
public final class RunRepository {

    private final DataSource ds;

    public RunRepository(DataSource ds) {
        this.ds = ds;
    }

    /** A run as listed by {@code history}. */
    public record RunRow(long id, String plan, String status, String trigger, String params, String planFile,
                         Instant startedAt, Instant finishedAt, String node, String traceId, String error) {}

    /** One attempt of one step. */
    public record StepRow(long id, long runId, String stepId, String action, String status, int attempt,
                          Instant startedAt, Instant finishedAt, String outputs, String error) {}

    public record MetricRow(String stepId, String name, String unit, String direction, double value) {}

    public record SampleRow(String stepId, String name, String unit, double[] values) {}

    /** What a finished step attempt wrote. */
    public record StepResult(String status, String outputsJson, String error, List<MetricRow> metrics,
                             List<SampleRow> samples, List<HistogramRow> histograms) {}

    public record HistogramRow(String stepId, String name, byte[] encoded) {}

    public record Filter(String plan, String status, Instant since, Instant until, int limit) {}

    public long startRun(String plan, String trigger, String paramsJson, String planFile) {
        ProcessHandle self = ProcessHandle.current();
        long pidStarted = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        // microseconds, as the column keeps them: a retry finds this very row by its start time
        Timestamp startedAt = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
        return work("record the start of the run", (c, attempt) -> {
            if (attempt > 1) { // the first try may have committed before its connection broke
                Optional<Long> mine = idOf(c, "SELECT id FROM runs WHERE node = ? AND pid = ? AND pid_started = ? AND started_at = ? AND plan = ?",
                        node(), self.pid(), pidStarted, startedAt, plan);
                if (mine.isPresent()) {
                    return mine.get();
                }
            }
            String sql = "INSERT INTO runs (plan, status, run_trigger, params, plan_file, started_at, node, pid, pid_started)"
                    + " VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?)";
            try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
                ps.setString(1, plan);
                ps.setString(2, trigger);
                ps.setString(3, paramsJson);
                ps.setString(4, planFile);
                ps.setTimestamp(5, startedAt);
                ps.setString(6, node());
                ps.setLong(7, self.pid());
                ps.setLong(8, pidStarted);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    public void setTraceId(long runId, String traceId) {
        update("UPDATE runs SET trace_id = ? WHERE id = ?", "record the trace id", traceId, runId);
    }

    /** An alert of an {@code observe} step. */
    public record AlertRow(long runId, String stepId, String rule, String severity, String message, Instant firedAt) {}

    public void recordAlert(AlertRow a) {
        Timestamp firedAt = Timestamp.from(a.firedAt().truncatedTo(ChronoUnit.MICROS));
        work("record an alert", (c, attempt) -> {
            if (attempt > 1 && idOf(c, "SELECT id FROM alerts WHERE run_id = ? AND step_id = ? AND rule = ? AND fired_at = ?",
                    a.runId(), a.stepId(), a.rule(), firedAt).isPresent()) {
                return null; // recorded by the first try
            }
            return execute(c, "INSERT INTO alerts (run_id, step_id, rule, severity, message, fired_at) VALUES (?, ?, ?, ?, ?, ?)",
                    a.runId(), a.stepId(), a.rule(), a.severity(), a.message(), firedAt);
        });
    }

    /** The alerts of a run, in the order they fired. */
    public List<AlertRow> alerts(long runId) {
        String sql = "SELECT run_id, step_id, rule, severity, message, fired_at FROM alerts WHERE run_id = ? ORDER BY fired_at, id";
        return work("read the alerts of run " + runId, (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, runId);
                List<AlertRow> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AlertRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getTimestamp(6).toInstant()));
                    }
                }
                return out;
            }
        });
    }

    public void finishRun(long runId, String status, String error) {
        update("UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ?", "record the end of the run",
                status, Timestamp.from(Instant.now()), error, runId);
    }

    /** A step attempt's row: its id is known once its start is written. */
    public static final class StepRef {
        private long id;

        public long id() {
            return id;
        }
    }

    /** One write of a run's step rows; {@link #writeSteps} makes several in one transaction. */
    public sealed interface StepWrite permits StartStep, FinishStep, StepStatus {}

    /** An attempt that began at {@code at}; gives {@code ref} its row's id. */
    public record StartStep(StepRef ref, long runId, String stepId, String action, int attempt, Instant at) implements StepWrite {}

    /**
     * An attempt's end at {@code at} and what it measured. The first attempt has no earlier metrics to
     * replace, and the statements to delete them are skipped, unless the write is itself being retried
     * after a broken commit, when the step's rows are deleted and written again.
     */
    public record FinishStep(StepRef ref, long runId, String stepId, int attempt, StepResult result, Instant at) implements StepWrite {}

    /** A stored attempt's corrected status (a passed attempt whose `retry.until` never held ends failed). */
    public record StepStatus(StepRef ref, String status, String error) implements StepWrite {}

    /**
     * Makes {@code writes} in order, in one transaction: the engine's writer hands over whatever
     * queued up while it wrote the last batch, so a run that outpaces it pays one commit for several
     * steps. Retried whole; each write is safe to make twice.
     */
    public void writeSteps(List<StepWrite> writes) {
        try {
            DatabaseWork.inTransaction(ds, (c, tries) -> {
                for (StepWrite w : writes) {
                    if (w instanceof StartStep start) {
                        start.ref().id = insert(c, tries, start);
                    } else if (w instanceof FinishStep finish) {
                        write(c, tries, finish);
                    } else if (w instanceof StepStatus st) {
                        execute(c, "UPDATE step_runs SET status = ?, error = ? WHERE id = ?", st.status(), st.error(), st.ref().id());
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw fail(describe(writes), e);
        }
    }

    /** Records an attempt begun now; returns its row's id. */
    public long startStep(long runId, String stepId, String action, int attempt) {
        StepRef ref = new StepRef();
        writeSteps(List.of(new StartStep(ref, runId, stepId, action, attempt, Instant.now())));
        return ref.id();
    }

    /** Records a step attempt's end and everything it measured, atomically. Metrics of a later attempt replace earlier ones. */
    public void finishStep(long runId, long stepRowId, String stepId, StepResult r) {
        StepRef ref = new StepRef();
        ref.id = stepRowId;
        writeSteps(List.of(new FinishStep(ref, runId, stepId, Integer.MAX_VALUE, r, Instant.now())));
    }

    private static String describe(List<StepWrite> writes) {
        if (writes.size() == 1 && writes.get(0) instanceof StartStep start) {
            return "record the start of step " + start.stepId();
        }
        if (writes.size() == 1 && writes.get(0) instanceof FinishStep finish) {
            return "record the result of step " + finish.stepId();
        }
        StringJoiner steps = new StringJoiner(", ");
        writes.stream().map(w -> w instanceof StartStep st ? st.stepId() : w instanceof FinishStep f ? f.stepId() : null)
                .filter(java.util.Objects::nonNull).distinct().forEach(steps::add);
        return steps.length() == 0 ? "update a step's status" : "record steps " + steps;
    }

    private static long insert(Connection c, int tries, StartStep w) throws SQLException {
        Timestamp startedAt = Timestamp.from(w.at().truncatedTo(ChronoUnit.MICROS));
        if (tries > 1) { // the first try may have committed before its connection broke
            Optional<Long> mine = idOf(c, "SELECT id FROM step_runs WHERE run_id = ? AND step_id = ? AND attempt = ? AND started_at = ?",
                    w.runId(), w.stepId(), w.attempt(), startedAt);
            if (mine.isPresent()) {
                return mine.get();
            }
        }
        String sql = "INSERT INTO step_runs (run_id, step_id, action, status, attempt, started_at) VALUES (?, ?, ?, 'running', ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
            ps.setLong(1, w.runId());
            ps.setString(2, w.stepId());
            ps.setString(3, w.action());
            ps.setInt(4, w.attempt());
            ps.setTimestamp(5, startedAt);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static void write(Connection c, int tries, FinishStep w) throws SQLException {
        long runId = w.runId();
        String stepId = w.stepId();
        StepResult r = w.result();
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE step_runs SET status = ?, finished_at = ?, outputs = ?, error = ? WHERE id = ?")) {
            ps.setString(1, r.status());
            ps.setTimestamp(2, Timestamp.from(w.at()));
            ps.setString(3, r.outputsJson());
            ps.setString(4, r.error());
            ps.setLong(5, w.ref().id());
            ps.executeUpdate();
        }
        boolean mayHaveRows = w.attempt() > 1 || tries > 1;
        for (String table : mayHaveRows ? List.of("metrics", "samples", "histograms") : List.<String>of()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE run_id = ? AND step_id = ?")) {
                ps.setLong(1, runId);
                ps.setString(2, stepId);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO metrics (run_id, step_id, name, unit, direction, metric_value) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (MetricRow m : r.metrics()) {
                ps.setLong(1, runId);
                ps.setString(2, stepId);
                ps.setString(3, m.name());
                ps.setString(4, m.unit());
                ps.setString(5, m.direction());
                ps.setDouble(6, m.value());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        if (!r.samples().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO samples (run_id, step_id, name, unit, sample_values) VALUES (?, ?, ?, ?, ?)")) {
                for (SampleRow s : r.samples()) {
                    ps.setLong(1, runId);
                    ps.setString(2, stepId);
                    ps.setString(3, s.name());
                    ps.setString(4, s.unit());
                    ps.setString(5, encode(s.values()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!r.histograms().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO histograms (run_id, step_id, name, encoded) VALUES (?, ?, ?, ?)")) {
                for (HistogramRow h : r.histograms()) {
                    ps.setLong(1, runId);
                    ps.setString(2, stepId);
                    ps.setString(3, h.name());
                    ps.setBytes(4, h.encoded());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    /**
     * Marks runs of this machine whose process is gone as {@code interrupted}, and their unfinished
     * step attempts too. A run whose pid now belongs to a younger process counts as gone.
     */
    public int markInterrupted() {
        List<long[]> running = query("check for interrupted runs", "SELECT id, pid, pid_started FROM runs WHERE status = 'running' AND node = ?",
                0, rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}, node());
        int dead = 0;
        for (long[] r : running) {
            long pid = r[1];
            long started = r[2];
            boolean alive = ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .map(h -> started == 0 || h.info().startInstant().map(i -> i.toEpochMilli() == started).orElse(true))
                    .orElse(false);
            if (!alive) {
                dead++;
                update("UPDATE step_runs SET status = 'interrupted', finished_at = ? WHERE run_id = ? AND status = 'running'",
                        "mark interrupted steps", Timestamp.from(Instant.now()), r[0]);
                update("UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ? AND status = 'running'",
                        "mark interrupted runs", Timestamp.from(Instant.now()),
                        "the perfplan process ended while the run was going (killed or crashed)", r[0]);
            }
        }
        return dead;
    }

    public List<RunRow> history(Filter f) {
        StringBuilder sql = new StringBuilder("SELECT * FROM runs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.plan() != null) {
            sql.append(" AND plan = ?");
            args.add(f.plan());
        }
        if (f.status() != null) {
            sql.append(" AND status = ?");
            args.add(f.status());
        }
        if (f.since() != null) {
            sql.append(" AND started_at >= ?");
            args.add(Timestamp.from(f.since()));
        }
        if (f.until() != null) {
            sql.append(" AND started_at < ?");
            args.add(Timestamp.from(f.until()));
        }
        // with one plan, "plan, id DESC" matches the index runs_plan_id, so the database reads the newest rows first and stops
        sql.append(f.plan() != null ? " ORDER BY plan, id DESC" : " ORDER BY id DESC");
        return query("read the run history", sql.toString(), Math.max(0, f.limit()), this::runRow, args.toArray());
    }

    public Optional<RunRow> run(long id) {
        return query("read run " + id, "SELECT * FROM runs WHERE id = ?", 1, this::runRow, id).stream().findFirst();
    }

    public List<StepRow> steps(long runId) {
        return query("read the steps of run " + runId, "SELECT * FROM step_runs WHERE run_id = ? ORDER BY id", 0,
                rs -> new StepRow(rs.getLong("id"), runId, rs.getString("step_id"), rs.getString("action"),
                        rs.getString("status"), rs.getInt("attempt"), instant(rs, "started_at"), instant(rs, "finished_at"),
                        rs.getString("outputs"), rs.getString("error")), runId);
    }

    public List<MetricRow> metrics(long runId) {
        return query("read the metrics of run " + runId, "SELECT * FROM metrics WHERE run_id = ? ORDER BY step_id, name", 0,
                rs -> new MetricRow(rs.getString("step_id"), rs.getString("name"), rs.getString("unit"),
                        rs.getString("direction"), rs.getDouble("metric_value")), runId);
    }

    public List<SampleRow> samples(long runId) {
        return query("read the samples of run " + runId, "SELECT * FROM samples WHERE run_id = ? ORDER BY step_id, name", 0,
                rs -> new SampleRow(rs.getString("step_id"), rs.getString("name"), rs.getString("unit"),
                        decode(rs.getString("sample_values"))), runId);
    }

    /** The encoded (compressed HdrHistogram) histograms a run stored, by step and name. */
    public List<HistogramRow> histograms(long runId) {
        return query("read the histograms of run " + runId,
                "SELECT step_id, name, encoded FROM histograms WHERE run_id = ? ORDER BY step_id, name", 0,
                rs -> new HistogramRow(rs.getString(1), rs.getString(2), rs.getBytes(3)), runId);
    }

    /** The baselines stored in the same database. */
    public BaselineRepository baselines() {
        return new BaselineRepository(ds);
    }

    /** Pruning of old runs, in the same database. */
    public Retention retention() {
        return new Retention(ds);
    }

    /** Metric series across runs, in the same database. */
    public HistoryRepository metricHistory() {
        return new HistoryRepository(ds);
    }

    public DeploymentRepository deployments() {
        return new DeploymentRepository(ds);
    }

    public OptimizationRepository optimizations() {
        return new OptimizationRepository(ds);
    }

    private RunRow runRow(ResultSet rs) throws SQLException {
        return new RunRow(rs.getLong("id"), rs.getString("plan"), rs.getString("status"), rs.getString("run_trigger"),
                rs.getString("params"), rs.getString("plan_file"), instant(rs, "started_at"), instant(rs, "finished_at"),
                rs.getString("node"), rs.getString("trace_id"), rs.getString("error"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private void update(String sql, String what, Object... args) {
        work(what, (c, attempt) -> execute(c, sql, args));
    }

    /** One row of a result set, as a value. */
    @FunctionalInterface
    private interface Row<T> {
        T of(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String what, String sql, int maxRows, Row<T> row, Object... args) {
        return work(what, (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setMaxRows(maxRows);
                bind(ps, args);
                List<T> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row.of(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Runs the unit with {@link DatabaseWork}'s retries; its failure becomes one sentence saying what could not be done. */
    private <T> T work(String what, DatabaseWork.Work<T> unit) {
        try {
            return DatabaseWork.run(ds, unit);
        } catch (SQLException e) {
            throw fail(what, e);
        }
    }

    private static Void execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
            return null;
        }
    }

    private static Optional<Long> idOf(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    static String encode(double[] values) {
        StringJoiner j = new StringJoiner(",");
        for (double v : values) {
            j.add(Double.toString(v));
        }
        return j.toString();
    }

    static double[] decode(String text) {
        if (text == null || text.isEmpty()) {
            return new double[0];
        }
        String[] parts = text.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i]);
        }
        return out;
    }

    private static StoreException fail(String what, SQLException e) {
        return new StoreException("could not " + what + " in the database: " + Database.rootMessage(e), e);
    }

    /** This machine's name, as recorded with each run. */
    public static String node() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).trim();
        } catch (Exception e) {
            return "localhost";
        }
    }

}
