package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** `run --junit`, `baseline ...` and `trend` driven in-process through {@link Main#execute}, against an H2 file in a temp dir. */
class GateCliTest {

    @TempDir
    Path dir;

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
            int code = Main.execute(withDb);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Path plan(String name, String yaml) throws Exception {
        Path plans = Files.createDirectories(dir.resolve("plans"));
        Path p = plans.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void runWritesEachCheckAsAJunitTestCase() throws Exception {
        Path p = plan("g.yaml", """
                plan: gatecli
                steps:
                  - id: work
                    action: exec
                    with: {command: [sh, -c, "echo '<&>'"]}
                  - id: gate
                    action: validate
                    with:
                      thresholds: ["work.wall < 60s", "work.wall < 1us", "work.wall < 60s and work.cpu < 1min"]
                      update_baseline: never
                  - id: maybe
                    action: exec
                    if: failed('work')
                    with: {command: ["true"]}
                  - id: strict
                    action: validate
                    if: always()
                    with: {thresholds: ["maybe.wall < 1s"]}
                """);
        Path junit = dir.resolve("reports/junit.xml");
        Result r = cli("run", p.toString(), "--junit", junit.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(ExitCode.RUN_FAILED);
        assertThat(r.out()).contains("CHECK").contains("VERDICT").contains("work.wall < 1us");

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        Element root = xml.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("testsuites");
        assertThat(root.getAttribute("tests")).isEqualTo("4");
        assertThat(root.getAttribute("failures")).isEqualTo("1");
        assertThat(root.getAttribute("errors")).isEqualTo("1");
        NodeList suites = root.getElementsByTagName("testsuite");
        assertThat(suites.getLength()).isEqualTo(2);
        Element gate = (Element) suites.item(0);
        assertThat(gate.getAttribute("name")).isEqualTo("gatecli.gate");
        NodeList cases = gate.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(3);
        assertThat(((Element) cases.item(0)).getAttribute("name")).isEqualTo("work.wall < 60s");
        assertThat(((Element) cases.item(0)).getElementsByTagName("failure").getLength()).isZero();
        Element failed = (Element) cases.item(1);
        assertThat(failed.getAttribute("name")).isEqualTo("work.wall < 1us");
        Element failure = (Element) failed.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).startsWith("FAIL: work.wall = ").contains("not < 0.001 ms");
        assertThat(failure.getTextContent()).contains("observed: ").contains("verdict: fail");
        Element error = (Element) ((Element) suites.item(1)).getElementsByTagName("error").item(0);
        assertThat(error.getAttribute("message")).isEqualTo("threshold \"maybe.wall < 1s\": step 'maybe' was skipped and stored no metrics, "
                + "so 'maybe.wall' has no value");
    }

    @Test
    void baselineCommandsListShowSetPinAndDelete() throws Exception {
        Path p = plan("b.yaml", """
                plan: basic
                steps:
                  - id: work
                    action: exec
                    with: {command: ["true"]}
                  - id: gate
                    action: validate
                    with:
                      thresholds: ["work.wall < 60s"]
                      regression: {metrics: [work.wall], window: 5}
                """);
        assertThat(cli("baseline", "list").out()).contains("no baselines yet");
        assertThat(cli("run", p.toString()).exit()).isZero();
        assertThat(cli("run", p.toString()).exit()).isZero();

        JsonNode list = new ObjectMapper().readTree(cli("baseline", "list", "--json").out());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("name").asText()).isEqualTo("basic");
        assertThat(list.get(0).get("run_id").asLong()).isEqualTo(2);
        assertThat(list.get(0).get("pinned").asBoolean()).isFalse();
        assertThat(list.get(0).get("window").asInt()).isEqualTo(5);

        JsonNode show = new ObjectMapper().readTree(cli("baseline", "show", "basic", "--json").out());
        assertThat(show.get("window_runs").toString()).isEqualTo("[1,2]");
        assertThat(show.get("metrics").get("work.wall").get("unit").asText()).isEqualTo("ms");
        assertThat(cli("baseline", "show", "basic").out()).contains("baseline basic of plan basic: run 2 (rolling)");

        Result pin = cli("baseline", "pin", "basic", "1");
        assertThat(pin.exit()).isZero();
        assertThat(pin.out()).contains("now points at run 1").contains("pinned");
        assertThat(cli("run", p.toString()).exit()).isZero();
        JsonNode pinned = new ObjectMapper().readTree(cli("baseline", "show", "basic", "--json").out());
        assertThat(pinned.get("run_id").asLong()).as("a pinned baseline is not moved by a run").isEqualTo(1);
        assertThat(pinned.get("pinned").asBoolean()).isTrue();

        assertThat(cli("baseline", "set", "other", "last", "--window", "3").exit()).isZero();
        JsonNode other = new ObjectMapper().readTree(cli("baseline", "show", "other", "--json").out());
        assertThat(other.get("run_id").asLong()).isEqualTo(3);
        assertThat(other.get("window").asInt()).isEqualTo(3);
        assertThat(cli("baseline", "list").out()).contains("basic").contains("pinned").contains("other").contains("rolling, last 3");

        assertThat(cli("baseline", "delete", "other").exit()).isZero();
        Result gone = cli("baseline", "delete", "basci");
        assertThat(gone.exit()).isEqualTo(ExitCode.INVALID);
        assertThat(gone.err()).contains("there is no baseline 'basci'; did you mean 'basic'?");
        Result noRun = cli("baseline", "set", "x", "99");
        assertThat(noRun.exit()).isEqualTo(ExitCode.INVALID);
        assertThat(noRun.err()).contains("there is no run 99");
    }

    @Test
    void trendShowsTheSeriesWithItsChangePoint() throws Exception {
        try (Database db = Database.open(url(), null, null)) {
            RunRepository runs = db.runs();
            for (int i = 0; i < 30; i++) {
                double value = (i < 20 ? 100 : 150) + ((i * 7) % 5 - 2) * 0.5;
                long run = runs.startRun("seeded", "test", "{}", null);
                long step = runs.startStep(run, "bench", "exec", 1);
                runs.finishStep(run, step, "bench", new RunRepository.StepResult("passed", "{}", null,
                        List.of(new RunRepository.MetricRow("bench", "wall", "ms", "lower_is_better", value)), List.of(), List.of()));
                runs.finishRun(run, "passed", null);
            }
        }
        Result text = cli("trend", "seeded", "bench.wall");
        assertThat(text.exit()).as(text.err()).isZero();
        String[] lines = text.out().split("\n");
        assertThat(lines[0]).isEqualTo("seeded bench.wall over 30 runs (ms): min 99, max 151, 1 change point");
        assertThat(lines[1].strip()).hasSize(30);
        assertThat(lines[2].indexOf('^')).isEqualTo(2 + 20);
        assertThat(text.out()).contains("shift +50.0%");

        JsonNode json = new ObjectMapper().readTree(cli("trend", "seeded", "bench.wall", "--json", "--last", "25").out());
        assertThat(json.get("points")).hasSize(25);
        assertThat(json.get("change_points")).hasSize(1);
        assertThat(json.get("change_points").get(0).get("run_id").asLong()).isEqualTo(21);
        assertThat(json.get("change_points").get(0).get("change").asDouble()).isBetween(0.45, 0.55);

        Result unknown = cli("trend", "seeded", "bench.wal");
        assertThat(unknown.exit()).isEqualTo(ExitCode.INVALID);
        assertThat(unknown.err()).contains("plan 'seeded' has no metric 'bench.wal'; did you mean 'bench.wall'?");
    }

    @Test
    void validateReportsUnknownMetricsAndUnitsAtTheirLineAndColumn() throws Exception {
        Path p = plan("v.yaml", """
                plan: refs
                steps:
                  - id: work
                    action: exec
                    with: {command: ["true"]}
                  - id: prof
                    action: profile
                    with: {command: ["true"], runs: 3}
                  - id: gate
                    action: validate
                    with:
                      thresholds:
                        - "work.wal < 5s"
                        - "work.wall < 5MB"
                        - "later.wall < 1s or nope.wall < 1s"
                        - "prof.wall.median < 1s and work.cpu <= 2s"
                      regression: {metrics: [prof.cpu.percent.mean, work.wall]}
                      history: {metrics: [prof.wall.mean]}
                  - id: later
                    action: exec
                    with: {command: ["true"]}
                """);
        Result r = cli("validate", p.toString());
        assertThat(r.exit()).isEqualTo(ExitCode.INVALID);
        String file = p.toString();
        assertThat(r.err()).contains(
                file + ":13:11: threshold \"work.wal < 5s\": step 'work' (exec) publishes no metric 'wal'; did you mean 'wall'?; "
                        + "it publishes: wall, cpu",
                file + ":14:11: threshold 'work.wall < 5MB': work.wall is a time (ms) but 5MB is a size",
                file + ":15:11: threshold \"later.wall < 1s or nope.wall < 1s\": step 'later' runs after this one, so its metrics are not there yet",
                file + ":15:11: threshold \"later.wall < 1s or nope.wall < 1s\": there is no step 'nope'; earlier steps: work, prof",
                file + ":17:30: regression metric 'prof.cpu.percent.mean' has no better direction");
        assertThat(r.err().lines().filter(l -> l.startsWith(file))).hasSize(5);
        assertThat(r.err()).contains("the plan is invalid");
    }

    @Test
    void sparklineScalesBetweenMinimumAndMaximum() {
        String s = TrendCommand.sparkline(new double[] {1, 2, 3, 8});
        assertThat(s).hasSize(4);
        assertThat(s.charAt(0)).isLessThan(s.charAt(1));
        assertThat(s.charAt(3)).isGreaterThan(s.charAt(2));
    }
}
