package io.perfplan.actions.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perfplan.engine.ActionRegistry;
import io.perfplan.engine.Cancellation;
import io.perfplan.engine.Engine;
import io.perfplan.engine.RunListener;
import io.perfplan.engine.RunReport;
import io.perfplan.engine.Status;
import io.perfplan.engine.StepReport;
import io.perfplan.plan.Expressions;
import io.perfplan.plan.Plan;
import io.perfplan.plan.PlanException;
import io.perfplan.plan.PlanValidator;
import io.perfplan.store.BaselineRepository;
import io.perfplan.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validate action end to end: real engine, real H2 file, real exec steps and a test action that publishes given metrics. */
class ValidateActionTest {

    @TempDir
    Path dir;

    private Database db;
    private final ActionRegistry actions = ActionRegistry.withBuiltIns();
    private final Expressions expressions = new Expressions(() -> {
        throw new AssertionError("these plans use plain expressions only");
    });
    private final List<String> logs = new ArrayList<>();

    @BeforeEach
    void open() {
        actions.register(new EmitAction());
        db = Database.open(Database.defaultUrl(dir), null, null);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private RunReport run(String yaml) throws Exception {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, yaml);
        Plan plan = new PlanValidator(actions, expressions).loadAndValidate(file);
        RunListener listener = new RunListener() {
            @Override
            public void stepLog(String stepId, String message) {
                synchronized (logs) {
                    logs.add(stepId + ": " + message);
                }
            }
        };
        return new Engine(actions, db.runs(), expressions).run(plan, Engine.resolveParams(plan, Map.of()),
                new Engine.RunOptions("test", listener, new Cancellation(), System.getenv()));
    }

    private static StepReport step(RunReport r, String id) {
        return r.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> checks(RunReport r) {
        return (List<Map<String, Object>>) step(r, "gate").outputs().get("checks");
    }

    private static String samples(long seed, double median, double noise, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(String.valueOf(median * Math.exp(noise * random.nextGaussian())));
        }
        return "[" + String.join(", ", values) + "]";
    }

    private Optional<BaselineRepository.BaselineRow> baseline(String name) {
        return db.runs().baselines().find(name);
    }

    @Test
    void thresholdsGateOnAnExecStepsWallTime() throws Exception {
        RunReport r = run("""
                plan: p
                steps:
                  - id: work
                    action: exec
                    with: {command: ["true"]}
                  - id: gate
                    action: validate
                    with:
                      thresholds: ["work.wall < 60s", "work.wall < 1us or work.cpu < 1min", "work.wall < 1us"]
                """);
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(step(r, "gate").message()).startsWith("1 of 3 checks failed, first work.wall < 1us: work.wall = ");
        List<Map<String, Object>> checks = checks(r);
        assertThat(checks).extracting(c -> c.get("verdict")).containsExactly("pass", "pass", "fail");
        assertThat(checks.get(0)).containsEntry("check", "work.wall < 60s").containsEntry("unit", "ms").containsEntry("limit", "< 60000 ms");
        double wall = step(r, "work").metrics().stream().filter(m -> m.name().equals("wall")).findFirst().orElseThrow().value();
        assertThat((Double) checks.get(0).get("observed")).isEqualTo(wall);
        assertThat(checks.get(2)).containsEntry("limit", "< 0.001 ms");
        assertThat(db.runs().metrics(r.runId())).anyMatch(m -> m.stepId().equals("gate") && m.name().equals("checks.failed") && m.value() == 1)
                .anyMatch(m -> m.stepId().equals("gate") && m.name().equals("checks.passed") && m.value() == 2);
        assertThat(logs).anyMatch(l -> l.matches("gate: CHECK +OBSERVED +LIMIT / BASELINE +CHANGE +P +VERDICT"))
                .anyMatch(l -> l.startsWith("gate: work.wall < 1us") && l.endsWith("FAIL"));
    }

    @Test
    void failFalseReportsWithoutFailingTheStep() throws Exception {
        RunReport r = run("""
                plan: p
                steps:
                  - id: work
                    action: exec
                    with: {command: ["true"]}
                  - id: gate
                    action: validate
                    with: {thresholds: ["work.wall < 1us"], fail: false}
                """);
        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(step(r, "gate").message()).contains("1 of 1 checks failed").contains("fail: false");
        assertThat(step(r, "gate").outputs()).containsEntry("passed", false);
    }

    @Test
    void unknownMetricIsAClearErrorWithASuggestion() throws Exception {
        RunReport r = run("""
                plan: p
                steps:
                  - id: work
                    action: exec
                    with: {command: ["true"]}
                  - id: gate
                    action: validate
                    with: {thresholds: ["work.wal < 5s"]}
                """);
        assertThat(step(r, "gate").status()).isEqualTo(Status.FAILED);
        assertThat(step(r, "gate").message()).isEqualTo("threshold \"work.wal < 5s\": step 'work' has no metric 'wal'; "
                + "did you mean 'work.wall'?; it measured: work.cpu, work.wall");
        RunReport other = run("""
                plan: p
                steps:
                  - id: work
                    action: exec
                    with: {command: ["true"]}
                  - id: gate
                    action: validate
                    with: {thresholds: ["wrok.wall < 5s"]}
                """);
        assertThat(step(other, "gate").message()).contains("no step 'wrok' ran before this one; did you mean 'work'?");
    }

    @Test
    void malformedThresholdIsRejectedBeforeTheRun() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                plan: p
                steps:
                  - id: work
                    action: exec
                    with: {command: ["true"]}
                  - id: gate
                    action: validate
                    with:
                      thresholds: ["work.wall < 5s", "work.wall <> 5s"]
                """);
        assertThatThrownBy(() -> new PlanValidator(actions, expressions).loadAndValidate(file))
                .isInstanceOf(PlanException.class)
                .satisfies(e -> assertThat(((PlanException) e).problems()).singleElement().satisfies(p -> {
                    assertThat(p.toString()).contains("bad.yaml:").contains("thresholds[1]").contains("column 12: expected a number");
                    assertThat(p.pos().line()).isBetween(8, 9);
                }));
    }

    private static String samplesPlan(String samples, String updateBaseline) {
        return """
                plan: svc
                steps:
                  - id: bench
                    action: emit
                    with: {name: wall, unit: ms, samples: SAMPLES}
                  - id: gate
                    action: validate
                    with:
                      regression: {metrics: [bench.wall], tolerance: 5%, alpha: 0.01, min_samples: 10}
                      update_baseline: UPDATE
                """.replace("SAMPLES", samples).replace("UPDATE", updateBaseline);
    }

    @Test
    void firstRunPassesAndBecomesTheBaselineThenARealShiftFails() throws Exception {
        RunReport first = run(samplesPlan(samples(1, 100, 0.03, 30), "on_pass"));
        assertThat(first.status()).isEqualTo(Status.PASSED);
        assertThat(checks(first)).singleElement().satisfies(c -> {
            assertThat(c.get("verdict")).isEqualTo("pass");
            assertThat((String) c.get("note")).contains("no baseline 'svc' yet");
        });
        assertThat(logs).anyMatch(l -> l.contains("there is no baseline 'svc' yet, so the regression checks pass"));
        assertThat(baseline("svc")).get().extracting(BaselineRepository.BaselineRow::runId).isEqualTo(first.runId());

        RunReport same = run(samplesPlan(samples(2, 100, 0.03, 30), "on_pass"));
        assertThat(same.status()).as(checks(same).toString()).isEqualTo(Status.PASSED);
        assertThat(checks(same).get(0).get("verdict")).isEqualTo("pass");
        assertThat(baseline("svc").orElseThrow().runId()).isEqualTo(same.runId());

        RunReport slower = run(samplesPlan(samples(3, 130, 0.03, 30), "on_pass"));
        assertThat(slower.status()).isEqualTo(Status.FAILED);
        Map<String, Object> check = checks(slower).get(0);
        assertThat(check.get("verdict")).isEqualTo("fail");
        assertThat(check.get("kind")).isEqualTo("regression");
        assertThat((Double) check.get("p_value")).isLessThan(0.01);
        assertThat((Double) check.get("change")).isBetween(0.2, 0.4);
        assertThat((Double) check.get("baseline")).isBetween(95.0, 105.0);
        assertThat((String) check.get("check")).isEqualTo("bench.wall vs baseline svc (run " + same.runId() + ")");
        assertThat(step(slower, "gate").message()).contains("Mann-Whitney");
        // a failing run does not move the baseline under on_pass
        assertThat(baseline("svc").orElseThrow().runId()).isEqualTo(same.runId());
    }

    @Test
    void updateBaselineNeverAlwaysAndPinned() throws Exception {
        RunReport never = run(samplesPlan(samples(1, 100, 0.03, 30), "never"));
        assertThat(never.status()).isEqualTo(Status.PASSED);
        assertThat(baseline("svc")).isEmpty();

        RunReport base = run(samplesPlan(samples(2, 100, 0.03, 30), "always"));
        assertThat(baseline("svc").orElseThrow().runId()).isEqualTo(base.runId());
        RunReport failing = run(samplesPlan(samples(3, 140, 0.03, 30), "always"));
        assertThat(failing.status()).isEqualTo(Status.FAILED);
        assertThat(baseline("svc").orElseThrow().runId()).as("always moves even on failure").isEqualTo(failing.runId());

        db.runs().baselines().put(new BaselineRepository.BaselineRow("svc", "svc", base.runId(), true, null, Instant.now()));
        RunReport pinnedRun = run(samplesPlan(samples(4, 100, 0.03, 30), "always"));
        assertThat(pinnedRun.status()).isEqualTo(Status.PASSED);
        assertThat(checks(pinnedRun).get(0).get("check")).isEqualTo("bench.wall vs baseline svc (run " + base.runId() + ", pinned)");
        assertThat(baseline("svc").orElseThrow().runId()).isEqualTo(base.runId());
        assertThat(logs).anyMatch(l -> l.contains("is pinned to run " + base.runId() + ", so this run does not move it"));
    }

    private static String valuePlan(double value, String onNoData) {
        return """
                plan: single
                steps:
                  - id: load
                    action: emit
                    with: {name: throughput, unit: /s, higher_is_better: true, value: VALUE}
                  - id: gate
                    action: validate
                    with:
                      regression: {metrics: [load.throughput], tolerance: 2%, min_samples: 5, on_no_data: ON_NO_DATA}
                """.replace("VALUE", String.valueOf(value)).replace("ON_NO_DATA", onNoData);
    }

    @Test
    void singleValuesAreComparedWithTheWindowOfPassedRuns() throws Exception {
        assertThat(run(valuePlan(1000, "fail")).status()).as("no baseline yet: passes").isEqualTo(Status.PASSED);
        RunReport thin = run(valuePlan(1001, "fail"));
        assertThat(thin.status()).isEqualTo(Status.FAILED);
        assertThat((String) checks(thin).get(0).get("note")).contains("Only 1 earlier values").contains("on_no_data: fail");
        RunReport unsure = run(valuePlan(1001, "inconclusive"));
        assertThat(unsure.status()).as("inconclusive does not fail the step").isEqualTo(Status.PASSED);
        assertThat(checks(unsure).get(0).get("verdict")).isEqualTo("inconclusive");
        for (double v : new double[] {1004, 998, 1002}) {
            assertThat(run(valuePlan(v, "inconclusive")).status()).isEqualTo(Status.PASSED);
        }
        // the window now holds the 5 passed runs (the failed one is left out)
        RunReport ok = run(valuePlan(997, "fail"));
        assertThat(ok.status()).as(checks(ok).toString()).isEqualTo(Status.PASSED);
        assertThat((String) checks(ok).get(0).get("note")).contains("within the limit");
        assertThat((Double) checks(ok).get(0).get("baseline")).isEqualTo((1000 + 1001 + 1004 + 998 + 1002) / 5.0,
                org.assertj.core.data.Offset.offset(1e-9));
        RunReport drop = run(valuePlan(900, "fail"));
        assertThat(drop.status()).isEqualTo(Status.FAILED);
        Map<String, Object> c = checks(drop).get(0);
        assertThat(c.get("verdict")).isEqualTo("fail");
        assertThat((String) c.get("limit")).startsWith(">= ");
        assertThat((Double) c.get("change")).isBetween(-0.11, -0.09);
    }

    @Test
    void flagsAChangePointAtTheNewestRuns() throws Exception {
        String history = "history: {metrics: [bench.wall], window: 30, pvalue: 0.01}";
        List<RunReport> runs = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            double value = (i < 20 ? 100 : 130) + ((i * 7) % 5 - 2) * 0.7;
            runs.add(run("""
                    plan: trend
                    steps:
                      - id: bench
                        action: emit
                        with: {name: wall, unit: ms, value: VALUE}
                      - id: gate
                        action: validate
                        with: {HISTORY, update_baseline: never}
                    """.replace("VALUE", String.valueOf(value)).replace("HISTORY", history)));
        }
        List<String> verdicts = runs.stream().map(r -> (String) checks(r).get(0).get("verdict")).collect(Collectors.toList());
        assertThat(verdicts.subList(0, 21)).as("stationary, and a shift not yet visible: %s", verdicts).containsOnly("pass");
        assertThat(verdicts.subList(21, 26)).as("the run that confirms the shift fails, once: %s", verdicts)
                .containsOnlyOnce("fail").containsOnly("pass", "fail");
        Map<String, Object> flagged = checks(runs.get(21 + verdicts.subList(21, 26).indexOf("fail"))).get(0);
        assertThat((String) flagged.get("note")).contains("confirms that the level shifted").contains("a regression").contains("(+30");
        assertThat((Double) flagged.get("p_value")).isLessThanOrEqualTo(0.01);
        assertThat((Double) flagged.get("baseline")).isBetween(99.0, 101.0);
        assertThat((String) checks(runs.get(3)).get(0).get("note")).contains("Only 4 runs of history; change points need at least 6.");
    }
}
