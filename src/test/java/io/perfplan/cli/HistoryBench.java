package io.perfplan.cli;

import io.perfplan.store.Database;
import io.perfplan.store.HistoryRepository;
import io.perfplan.store.RunRepository;
import java.io.OutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Entry point of bench/history.sh: seeds an H2 file with RUNS runs over 10 plans and 20 metrics each
 * (2,000,000 metric rows for 100,000 runs) unless it holds them already, then times, in one JVM so
 * JVM start is excluded, {@code history --plan p3 --limit 50} and {@code trend p3 load.latency.p99
 * --last 1000} as whole CLI commands (opening the database included), the floor of a command that
 * only opens the database ({@code query "VALUES 1"}), and the two repository reads alone. Prints
 * medians of ROUNDS rounds and H2's query plans. Usage: {@code HistoryBench DB_DIR [RUNS] [ROUNDS]}.
 */
public final class HistoryBench {

    private static final String[] METRICS = {"latency.min", "latency.mean", "latency.p50", "latency.p90", "latency.p95",
            "latency.p99", "latency.p999", "latency.max", "throughput", "error_rate", "requests", "dropped", "bytes.in",
            "bytes.out", "errors.status", "errors.timeout", "errors.reset", "service_time.p99", "send_lag.p99", "capacity"};

    private HistoryBench() {}

    public static void main(String[] args) throws Exception {
        String url = Database.defaultUrl(java.nio.file.Path.of(args[0]));
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        try (Database db = Database.open(url, null, null)) {
            seed(db, runs);
            explain(db);
        }
        PrintStream out = System.out;
        List<String[]> commands = List.of(
                new String[] {"query", "VALUES 1", "--db", url},
                new String[] {"history", "--plan", "p3", "--limit", "50", "--json", "--db", url},
                new String[] {"trend", "p3", "load.latency.p99", "--last", "1000", "--json", "--db", url});
        double[][] times = new double[commands.size()][rounds];
        try (PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream())) {
            for (int r = -2; r < rounds; r++) { // two warm-up rounds
                for (int c = 0; c < commands.size(); c++) {
                    System.setOut(nowhere);
                    long t0 = System.nanoTime();
                    int exit = Main.execute(commands.get(c));
                    long t1 = System.nanoTime();
                    System.setOut(out);
                    if (exit != 0) {
                        throw new IllegalStateException(String.join(" ", commands.get(c)) + " exited " + exit);
                    }
                    if (r >= 0) {
                        times[c][r] = (t1 - t0) / 1e6;
                    }
                }
            }
        }
        out.printf(Locale.ROOT, "command medians over %d rounds (ms, JVM start excluded, database open included):%n", rounds);
        out.printf(Locale.ROOT, "  query \"VALUES 1\" (open + close only)   %8.1f%n", median(times[0]));
        out.printf(Locale.ROOT, "  history --plan p3 --limit 50           %8.1f%n", median(times[1]));
        out.printf(Locale.ROOT, "  trend p3 load.latency.p99 --last 1000  %8.1f%n", median(times[2]));
        try (Database db = Database.open(url, null, null)) {
            RunRepository repo = db.runs();
            HistoryRepository history = repo.metricHistory();
            // arguments vary by round: H2 reuses the result of a repeated query with the same parameters
            int[] round = {0};
            double h = time(rounds, () -> repo.history(new RunRepository.Filter("p" + (round[0]++ % 10), null, null,
                    Instant.now().minusSeconds(round[0]), 50)).size());
            double t = time(rounds, () -> history.series("p" + (round[0]++ % 10), "load", "latency.p99", Long.MAX_VALUE - round[0],
                    List.of("passed", "failed"), 1000).size());
            out.printf(Locale.ROOT, "repository reads alone, database open (ms): history %.2f, series of 1000 runs %.2f%n", h, t);
        }
    }

    private static double time(int rounds, Supplier<Integer> read) {
        double[] t = new double[rounds];
        for (int i = -3; i < rounds; i++) {
            long t0 = System.nanoTime();
            int n = read.get();
            if (n == 0) {
                throw new IllegalStateException("the read returned nothing");
            }
            if (i >= 0) {
                t[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return median(t);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void seed(Database db, int runs) throws Exception {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM runs")) {
                rs.next();
                if (rs.getLong(1) >= runs) {
                    System.out.println("database holds " + rs.getLong(1) + " runs already");
                    return;
                }
            }
            long t0 = System.nanoTime();
            c.setAutoCommit(false);
            Instant start = Instant.now().minusSeconds(runs * 60L);
            try (PreparedStatement r = c.prepareStatement("INSERT INTO runs (id, plan, status, run_trigger, params, started_at, finished_at, node)"
                    + " VALUES (?, ?, ?, 'bench', '{}', ?, ?, 'bench')");
                 PreparedStatement m = c.prepareStatement("INSERT INTO metrics (run_id, step_id, name, unit, direction, metric_value)"
                         + " VALUES (?, 'load', ?, 'ms', 'lower_is_better', ?)")) {
                java.util.Random random = new java.util.Random(1);
                for (int i = 1; i <= runs; i++) {
                    Instant at = start.plusSeconds(i * 60L);
                    r.setLong(1, i);
                    r.setString(2, "p" + (i % 10));
                    r.setString(3, random.nextInt(20) == 0 ? "failed" : "passed");
                    r.setTimestamp(4, Timestamp.from(at));
                    r.setTimestamp(5, Timestamp.from(at.plusSeconds(30)));
                    r.addBatch();
                    for (String name : METRICS) {
                        m.setLong(1, i);
                        m.setString(2, name);
                        m.setDouble(3, 10 + random.nextGaussian());
                        m.addBatch();
                    }
                    if (i % 2000 == 0) {
                        r.executeBatch();
                        m.executeBatch();
                        c.commit();
                    }
                }
                r.executeBatch();
                m.executeBatch();
                c.commit();
            }
            st.execute("ALTER TABLE runs ALTER COLUMN id RESTART WITH " + (runs + 1));
            c.commit();
            c.setAutoCommit(true);
            st.execute("ANALYZE");
            System.out.printf(Locale.ROOT, "seeded %d runs and %d metric rows in %.1f s%n", runs, (long) runs * METRICS.length,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    private static void explain(Database db) throws Exception {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            for (String sql : List.of(
                    "EXPLAIN SELECT * FROM runs WHERE 1 = 1 AND plan = 'p3' ORDER BY plan, id DESC LIMIT 50",
                    "EXPLAIN SELECT r.id, r.started_at, r.status, m.metric_value, m.unit, m.direction FROM metrics m JOIN runs r ON r.id = m.run_id"
                            + " WHERE r.plan = 'p3' AND m.step_id = 'load' AND m.name = 'latency.p99' AND r.id < 9223372036854775807"
                            + " AND r.status IN ('passed', 'failed') ORDER BY r.plan, r.id DESC LIMIT 1000")) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    System.out.println("plan of " + sql.substring(8, 40) + "...:\n  " + rs.getString(1).replace("\n", "\n  "));
                }
            }
        }
    }
}
