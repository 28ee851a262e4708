package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.perfplan.store.BaselineRepository;
import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * history, compare, query, db prune and a plan's retention, through {@link Main#execute} on a seeded
 * H2 file: runs of two plans spread over 200 days, with metrics, per-second samples and a baseline.
 */
class HistoryCliTest {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final List<Long> ids = new ArrayList<>();

    record Result(int exit, String out, String err) {}

    private String url() {
        return Database.defaultUrl(dir);
    }

    private Result cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            String[] withDb = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--db", url()))
                    .toArray(String[]::new);
            return new Result(Main.execute(withDb), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Run i of "shop" started (10 - i) * 20 days ago; odd runs twice as slow. Run 5 of "other" is a day old. */
    @BeforeEach
    void seed() throws Exception {
        try (Database db = Database.open(url(), null, null)) {
            RunRepository runs = db.runs();
            for (int i = 0; i < 10; i++) {
                double slow = i % 2 == 1 ? 2 : 1;
                long id = runs.startRun("shop", "test", "{\"i\":" + i + "}", null);
                long step = runs.startStep(id, "load", "loadtest", 1);
                double[] p99 = IntStream.range(0, 12).mapToDouble(k -> slow * (10 + k % 4)).toArray();
                double[] tput = IntStream.range(0, 12).mapToDouble(k -> 100 / slow + k % 3).toArray();
                runs.finishStep(id, step, "load", new RunRepository.StepResult("passed", "{}", null,
                        List.of(new RunRepository.MetricRow("load", "latency.p99", "ms", "lower_is_better", slow * 13),
                                new RunRepository.MetricRow("load", "throughput", "/s", "higher_is_better", 100 / slow),
                                new RunRepository.MetricRow("load", "requests", "", "neutral", 1200)),
                        List.of(new RunRepository.SampleRow("load", "latency.p99", "ms", p99),
                                new RunRepository.SampleRow("load", "throughput", "/s", tput)), List.of()));
                runs.finishRun(id, i == 3 ? "failed" : "passed", i == 3 ? "a <b>gate</b> failed, badly" : null);
                age(db, id, Duration.ofDays((10 - i) * 20L));
                ids.add(id);
            }
            long other = runs.startRun("other", "test", "{}", null);
            runs.finishRun(other, "passed", null);
            age(db, other, Duration.ofDays(1));
            ids.add(other);
            // a pinned baseline on the oldest run of shop
            runs.baselines().put(new BaselineRepository.BaselineRow("shop-pinned", "shop", ids.get(0), true, null, Instant.now()));
        }
    }

    private static void age(Database db, long runId, Duration age) throws Exception {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE runs SET started_at = ?, finished_at = ? WHERE id = ?")) {
            Instant start = Instant.now().minus(age);
            ps.setTimestamp(1, Timestamp.from(start));
            ps.setTimestamp(2, Timestamp.from(start.plusSeconds(12)));
            ps.setLong(3, runId);
            ps.executeUpdate();
        }
    }

    private String snapshot() throws Exception {
        StringBuilder b = new StringBuilder();
        try (Database db = Database.open(url(), null, null); Connection c = db.connection(); Statement s = c.createStatement()) {
            for (String table : List.of("runs", "step_runs", "metrics", "samples", "histograms", "baselines")) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY 1, 2")) {
                    int cols = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= cols; i++) {
                            b.append(rs.getString(i)).append('|');
                        }
                        b.append('\n');
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
                rs.next();
                b.append("tables ").append(rs.getInt(1));
            }
        }
        return b.toString();
    }

    @Test
    void historyFiltersByPlanStatusAndTimeWindowAndPrintsCsv() throws Exception {
        Result r = cli("history", "--plan", "shop", "--since", "90d", "--until", "30d", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode rows = json.readTree(r.out());
        // runs 6, 7 and 8 started 80, 60 and 40 days ago
        assertThat(rows).extracting(n -> n.get("run_id").asLong()).containsExactly(ids.get(8), ids.get(7), ids.get(6));

        Result csv = cli("history", "--status", "failed", "--csv");
        assertThat(csv.exit()).isZero();
        String[] lines = csv.out().split("\r\n");
        assertThat(lines[0]).isEqualTo("run_id,plan,status,trigger,started_at,finished_at,duration_ms,node,error");
        assertThat(lines).as(csv.out() + csv.err()).hasSize(2);
        assertThat(lines[1]).startsWith(ids.get(3) + ",shop,failed,test,").endsWith(",\"a <b>gate</b> failed, badly\"");

        Result date = cli("history", "--until", Instant.now().minus(Duration.ofDays(150)).toString().substring(0, 10), "--json");
        assertThat(json.readTree(date.out())).extracting(n -> n.get("run_id").asLong()).containsExactly(ids.get(2), ids.get(1), ids.get(0));

        Result show = cli("show", "last", "--json");
        assertThat(json.readTree(show.out()).get("run_id").asLong()).isEqualTo(ids.get(10));
        assertThat(cli("show", String.valueOf(ids.get(3))).out()).contains("error: a <b>gate</b> failed, badly").contains("latency.p99");
        assertThat(cli("show", "abc").err()).contains("'abc' is not a run id");

        Result bad = cli("history", "--until", "yesterday");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--until").contains("7d");
        assertThat(cli("history", "--json", "--csv").exit()).isEqualTo(2);
    }

    @Test
    void compareShowsEveryMetricWithItsDirectionAndSignificance() throws Exception {
        Result r = cli("compare", String.valueOf(ids.get(0)), String.valueOf(ids.get(1)), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode metrics = json.readTree(r.out()).get("metrics");
        assertThat(metrics).extracting(m -> m.get("metric").asText()).containsExactly("load.latency.p99", "load.requests", "load.throughput");
        JsonNode p99 = metrics.get(0);
        assertThat(p99.get("a").asDouble()).isEqualTo(13);
        assertThat(p99.get("b").asDouble()).isEqualTo(26);
        assertThat(p99.get("change").asDouble()).isEqualTo(1.0);
        assertThat(p99.get("assessment").asText()).isEqualTo("worse");
        assertThat(p99.get("samples_a").asInt()).isEqualTo(12);
        assertThat(p99.get("p_value").asDouble()).isLessThan(0.001);
        assertThat(p99.get("significant").asBoolean()).isTrue();
        assertThat(p99.get("regression").asText()).isEqualTo("fail");
        JsonNode requests = metrics.get(1);
        assertThat(requests.get("assessment").asText()).isEqualTo("same");
        assertThat(requests.get("p_value").isNull()).isTrue();
        JsonNode tput = metrics.get(2);
        assertThat(tput.get("assessment").asText()).isEqualTo("worse");
        assertThat(tput.get("regression").asText()).isEqualTo("fail");

        // the other way round B is better, and the gate finds no regression
        JsonNode back = json.readTree(cli("compare", String.valueOf(ids.get(1)), String.valueOf(ids.get(2)), "--json").out()).get("metrics");
        assertThat(back.get(0).get("assessment").asText()).isEqualTo("better");
        assertThat(back.get(0).get("regression").asText()).isEqualTo("pass");

        // two runs of the same speed: no significant difference
        JsonNode same = json.readTree(cli("compare", String.valueOf(ids.get(0)), String.valueOf(ids.get(2)), "--json").out()).get("metrics");
        assertThat(same.get(0).get("significant").asBoolean()).isFalse();

        Result text = cli("compare", String.valueOf(ids.get(0)), String.valueOf(ids.get(1)));
        assertThat(text.out()).contains("load.latency.p99").contains("+100.0%").contains("worse").contains("fail");
        Result csv = cli("compare", String.valueOf(ids.get(0)), "last", "--csv");
        assertThat(csv.out().split("\r\n")[0]).isEqualTo("metric,unit,direction,a,b,change,assessment,samples_a,samples_b,p_value,significant,regression");

        Result missing = cli("compare", "1", "999");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("there is no run 999");
    }

    @Test
    void queryReadsAndRefusesEveryStatementThatWritesLeavingTheDatabaseUnchanged() throws Exception {
        Result ok = cli("query", "SELECT plan, COUNT(*) AS n FROM runs GROUP BY plan ORDER BY plan", "--json");
        assertThat(ok.exit()).as(ok.err()).isZero();
        JsonNode rows = json.readTree(ok.out());
        assertThat(rows.get("columns")).extracting(JsonNode::asText).containsExactly("plan", "n");
        assertThat(rows.get("rows").get(1).get(1).asInt()).isEqualTo(10);
        Result csv = cli("query", "SELECT id, status FROM runs WHERE status = 'failed'", "--csv");
        assertThat(csv.out()).isEqualTo("id,status\r\n" + ids.get(3) + ",failed\r\n");
        Result limited = cli("query", "SELECT id FROM runs", "--limit", "3");
        assertThat(limited.exit()).isZero();
        assertThat(limited.out()).contains("(3 rows)");
        assertThat(limited.err()).contains("cut at 3 rows");

        String before = snapshot();
        Path written = dir.resolve("leak.csv");
        List<String> forbidden = List.of(
                "DELETE FROM runs",
                "UPDATE runs SET status = 'passed'",
                "INSERT INTO baselines (name, plan, run_id, created_at) VALUES ('x', 'shop', 1, CURRENT_TIMESTAMP)",
                "DROP TABLE metrics",
                "CREATE TABLE evil (a INT)",
                "TRUNCATE TABLE samples",
                "MERGE INTO baselines KEY (name) VALUES ('x', 'shop', 1, CURRENT_TIMESTAMP, FALSE, NULL)",
                "SELECT * FROM OLD TABLE (DELETE FROM metrics)",
                "SELECT 1; DELETE FROM runs",
                "CALL CSVWRITE('" + written + "', 'SELECT * FROM runs')",
                "SELECT CSVWRITE('" + written + "', 'SELECT * FROM runs')",
                "SELECT FILE_WRITE('x', '" + written + "')",
                "SELECT FILE_READ('/etc/passwd')",
                "SELECT * FROM CSVREAD('/etc/passwd')",
                "SELECT LINK_SCHEMA('L', '', 'jdbc:h2:mem:x', 'sa', '', 'PUBLIC')",
                "SCRIPT TO '" + written + "'",
                "RUNSCRIPT FROM '" + written + "'",
                "SET AUTOCOMMIT FALSE",
                "SHUTDOWN");
        for (String sql : forbidden) {
            Result r = cli("query", sql);
            assertThat(r.exit()).as(sql + " -> " + r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).as(sql).startsWith("perfplan: ").containsAnyOf("perfplan query only reads", "more than one statement")
                    .doesNotContain("Exception").hasLineCount(1);
        }
        assertThat(snapshot()).isEqualTo(before);
        assertThat(written).doesNotExist();

        Result syntax = cli("query", "SELECT nope FROM runs");
        assertThat(syntax.exit()).isEqualTo(2);
        assertThat(syntax.err()).contains("the database refused the query").contains("README");
    }

    @Test
    void pruneDeletesOldRunsButKeepsWhatBaselinesNeed() throws Exception {
        Result dry = cli("db", "prune", "--keep", "90d", "--dry-run", "--json");
        assertThat(dry.exit()).as(dry.err()).isZero();
        // runs 0..5 are 100 days old or more; run 0 is the pinned baseline's run
        assertThat(json.readTree(dry.out()).get("deleted")).extracting(JsonNode::asLong)
                .containsExactly(ids.get(1), ids.get(2), ids.get(3), ids.get(4), ids.get(5));
        assertThat(json.readTree(dry.out()).get("kept_for_baselines").asInt()).isEqualTo(1);
        String before = snapshot();
        assertThat(snapshot()).isEqualTo(before);

        // a rolling baseline on run 7 keeps the runs its window may read (up to 100 finished runs back)
        try (Database db = Database.open(url(), null, null)) {
            db.runs().baselines().put(new BaselineRepository.BaselineRow("shop", "shop", ids.get(7), false, 20, Instant.now()));
        }
        Result rolling = cli("db", "prune", "--keep", "90d");
        assertThat(rolling.out()).contains("deleted 0 runs older than 90d; kept 6 older runs that baselines need");
        try (Database db = Database.open(url(), null, null)) {
            db.runs().baselines().delete("shop");
        }

        Result real = cli("db", "prune", "--keep", "90d");
        assertThat(real.exit()).isZero();
        assertThat(real.out()).contains("deleted 5 runs older than 90d; kept 1 older run that baselines need");
        Result left = cli("query", "SELECT id FROM runs ORDER BY id", "--csv");
        List<String> expected = new ArrayList<>(List.of("id"));
        for (int i : new int[] {0, 6, 7, 8, 9, 10}) {
            expected.add(String.valueOf(ids.get(i)));
        }
        assertThat(left.out().split("\r\n")).containsExactlyElementsOf(expected);
        Result orphans = cli("query", "SELECT COUNT(*) FROM metrics WHERE run_id NOT IN (SELECT id FROM runs)", "--csv");
        assertThat(orphans.out().split("\r\n")[1]).isEqualTo("0");

        assertThat(cli("db", "prune", "--keep", "soon").exit()).isEqualTo(2);
        assertThat(cli("db", "prune").exit()).isEqualTo(2);
    }

    @Test
    void aPlansRetentionPrunesItsOwnOldRunsAtTheEndOfARun() throws Exception {
        Path plan = dir.resolve("shop.yaml");
        Files.writeString(plan, """
                plan: shop
                retention: {keep: 150d}
                steps:
                  - id: hello
                    action: exec
                    with: {command: [echo, hi]}
                """);
        Result r = cli("run", plan.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        // runs 1 and 2 of shop are 180 and 160 days old; run 0 is kept for the pinned baseline
        assertThat(r.out()).containsPattern("retention +deleted 2 runs older than 150d; kept 1 older run that baselines need");
        Result left = cli("history", "--plan", "shop", "--limit", "100", "--json");
        assertThat(json.readTree(left.out())).extracting(n -> n.get("run_id").asLong()).doesNotContain(ids.get(1), ids.get(2))
                .contains(ids.get(0), ids.get(3));
    }

    @Test
    void reportWritesOneSelfContainedPageAndRunWritesItToo() throws Exception {
        Path out = dir.resolve("out/report.html");
        Result r = cli("report", String.valueOf(ids.get(3)), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + out).contains("run " + ids.get(3) + " of plan shop");
        String html = Files.readString(out);
        assertThat(html).contains("<p class=\"verdict bad\">FAILED</p>", "a &lt;b&gt;gate&lt;/b&gt; failed, badly",
                "load: latency percentiles per second", "Content-Security-Policy");

        Path plan = dir.resolve("hello.yaml");
        Files.writeString(plan, """
                plan: hello
                steps:
                  - id: hello
                    action: exec
                    with: {command: [echo, hi]}
                """);
        Result example = cli("validate", "plans/load-gate.yaml");
        assertThat(example.exit()).as(example.out() + example.err()).isZero();

        Path page = dir.resolve("hello.html");
        Result run = cli("run", plan.toString(), "--report", page.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("report: " + page);
        assertThat(Files.readString(page)).contains("<h1>hello <span class=\"muted\">run ");

        assertThat(cli("report", "999").err()).contains("there is no run 999");
        assertThat(cli("report", "last", "--last", "1").exit()).isEqualTo(2);
    }
}
