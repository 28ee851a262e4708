package io.perfplan.actions.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perfplan.cli.Main;
import io.perfplan.core.tuning.ConfigFile;
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
import io.perfplan.store.Database;
import io.perfplan.store.OptimizationRepository;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optimize action end to end: real engine, real H2 file, real child processes whose run time
 * depends on a parameter in a known way (a shell that sleeps 10 ms at x = 8 and 100 ms more per
 * doubling or halving away from it, a gap that survives a heavily loaded machine).
 */
class OptimizeActionTest {

    /** sh command whose wall time is 10 ms + 100 ms * |log2(x) - 3|: optimum at x = 8. */
    private static final String BOWL = "sleep $(awk 'BEGIN{d=log({{trial.x}})/log(2)-3; if(d<0)d=-d; print 0.010+0.100*d}')";

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
        db = Database.open(Database.defaultUrl(dir), null, null);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Plan load(String yaml) throws Exception {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, yaml);
        return new PlanValidator(actions, expressions).loadAndValidate(file);
    }

    private RunReport run(String yaml) throws Exception {
        Plan plan = load(yaml);
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

    private static StepReport step(RunReport r) {
        return r.steps().stream().filter(s -> s.stepId().equals("tune")).findFirst().orElseThrow();
    }

    private static double metric(StepReport s, String name) {
        return s.metrics().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().value();
    }

    private static String plan(String with) {
        return """
                plan: tune-test
                steps:
                  - id: tune
                    action: optimize
                    with:
                """ + with.indent(6);
    }

    @Test
    void tunesASyntheticProgramToItsKnownOptimumAndAppliesIt() throws Exception {
        RunReport r = run(plan("""
                parameters:
                  x: [1, 2, 4, 8, 16, 32]
                trial: {command: "%s", shell: true}
                objective: {metric: wall.median, goal: minimize}
                current: {x: 1}
                repeats: 3
                accept: {min_improvement: 20%%, alpha: 0.01, runs: 8}
                apply: {file: config/tuned.properties}
                """.formatted(BOWL)));
        StepReport s = step(r);
        assertThat(s.status()).as(s.message() + "\n" + String.join("\n", logs)).isEqualTo(Status.PASSED);
        assertThat(s.outputs().get("best")).isEqualTo(Map.of("x", "8"));
        assertThat(s.outputs().get("applied")).as(s.message() + "\n" + String.join("\n", logs)).isEqualTo(true);
        assertThat(s.outputs().get("strategy")).isEqualTo("grid");
        assertThat(metric(s, "best.x")).isEqualTo(8);
        assertThat(metric(s, "trials")).isEqualTo(6);
        // 310 ms against 10 ms: the gain is large on any machine
        assertThat(metric(s, "improvement")).isGreaterThan(40);
        assertThat(metric(s, "p_value")).isLessThan(0.01);
        assertThat(Files.readString(dir.resolve("config/tuned.properties"))).contains("x=8");

        List<OptimizationRepository.TrialRow> trials = db.runs().optimizations().trials(r.runId());
        assertThat(trials).hasSize(7);
        assertThat(trials).filteredOn(t -> t.role().equals("current")).singleElement()
                .satisfies(t -> assertThat(t.parameters()).isEqualTo(Map.of("x", "1")));
        assertThat(trials).allSatisfy(t -> {
            assertThat(t.samples()).hasSize(3);
            assertThat(t.objective()).isPositive();
            assertThat(t.error()).isNull();
        });
        assertThat(db.runs().optimizations().lastApplied("tune-test", "tune")).get()
                .satisfies(c -> assertThat(c.parameters()).isEqualTo(Map.of("x", "8")));
    }

    @Test
    void whenNothingBeatsTheCurrentConfigurationTheFileIsLeftByteForByte() throws Exception {
        Path file = dir.resolve("config/tuned.properties");
        Files.createDirectories(file.getParent());
        byte[] original = "# hand written\nx = 2\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, original);
        RunReport r = run(plan("""
                parameters:
                  x: [1, 2, 3, 4]
                trial: {command: "true {{trial.x}}; sleep 0.02", shell: true}
                objective: {metric: wall.median}
                current: {x: 2}
                repeats: 3
                accept: {min_improvement: 5%, alpha: 0.001, runs: 8}
                apply: {file: config/tuned.properties}
                """));
        StepReport s = step(r);
        assertThat(s.status()).as(s.message()).isEqualTo(Status.PASSED);
        assertThat(s.outputs().get("applied")).isEqualTo(false);
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
        assertThat(db.runs().optimizations().lastApplied("tune-test", "tune")).isEmpty();
    }

    @Test
    void aWinnerThatFailsAcceptanceIsWrittenThenRestoredByteForByte() throws Exception {
        Path file = dir.resolve("tuned.json");
        byte[] original = "{\"x\": 1, \"kept\": \"yes\"}\r\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, original);
        RunReport r = run(plan("""
                parameters:
                  x: [1, 8]
                trial: {command: "%s", shell: true}
                objective: {metric: wall.median}
                current: {x: 1}
                repeats: 3
                accept: {min_improvement: 99%%, runs: 5}
                apply: {file: tuned.json}
                """.formatted(BOWL)));
        StepReport s = step(r);
        assertThat(s.status()).as(s.message()).isEqualTo(Status.PASSED);
        assertThat(s.outputs().get("applied")).isEqualTo(false);
        assertThat(s.message()).contains("smaller than the +99% required").contains("restored");
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
        List<OptimizationRepository.ChangeRow> changes = db.runs().optimizations().changesOfRun(r.runId());
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo("undone");
            assertThat(c.format()).isEqualTo("json");
            assertThat(c.previousContent()).isEqualTo(original);
            assertThat(c.undoReason()).contains("not accepted");
        });
    }

    @Test
    void aRollbackStepUndoesTheAppliedFileWhenALaterGateFails() throws Exception {
        Path file = dir.resolve("config/tuned.yaml");
        Files.createDirectories(file.getParent());
        byte[] original = "x: 1   # by hand\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, original);
        RunReport r = run("""
                plan: tune-test
                steps:
                  - id: tune
                    action: optimize
                    with:
                      parameters: {x: [2, 8]}
                      trial: {command: "%s", shell: true}
                      objective: {metric: wall.median}
                      current: {x: 2}
                      repeats: 3
                      accept: {min_improvement: 20%%, runs: 8}
                      apply: {file: config/tuned.yaml}
                  - id: gate
                    action: exec
                    with: {command: ["false"]}
                  - id: undo
                    action: rollback
                    if: "${failed('gate')}"
                    with: {optimization: tune, reason: the gate failed}
                  - id: again
                    action: rollback
                    if: always()
                    with: {optimization: tune}
                """.formatted(BOWL));
        StepReport tune = r.steps().stream().filter(x -> x.stepId().equals("tune")).findFirst().orElseThrow();
        assertThat(tune.outputs().get("applied")).as(tune.message()).isEqualTo(true);
        StepReport undo = r.steps().stream().filter(x -> x.stepId().equals("undo")).findFirst().orElseThrow();
        assertThat(undo.status()).as(undo.message()).isEqualTo(Status.PASSED);
        assertThat(undo.outputs().get("undone")).isEqualTo(Map.of("x", "8"));
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
        assertThat(db.runs().optimizations().changesOfRun(r.runId())).singleElement()
                .satisfies(c -> assertThat(c.undoReason()).isEqualTo("the gate failed"));
        StepReport again = r.steps().stream().filter(x -> x.stepId().equals("again")).findFirst().orElseThrow();
        assertThat(again.status()).isEqualTo(Status.FAILED);
        assertThat(again.message()).contains("no applied optimization to undo");
    }

    @Test
    void aFailingTrialIsRecordedAndSkippedAndHalvingStaysWithinTheBudget() throws Exception {
        RunReport r = run(plan("""
                parameters:
                  x: {min: 1, max: 64, scale: log, type: int, grid_points: 20}
                trial: {command: "[ {{trial.x}} -gt 30 ] && exit 3; %s", shell: true}
                objective: {metric: wall.median}
                strategy: halving
                budget: {trials: 14, time: 1m}
                repeats: 4
                """.formatted(BOWL)));
        StepReport s = step(r);
        assertThat(s.status()).as(s.message() + "\n" + String.join("\n", logs)).isEqualTo(Status.PASSED);
        assertThat(metric(s, "trials")).isLessThanOrEqualTo(14);
        List<OptimizationRepository.TrialRow> trials = db.runs().optimizations().trials(r.runId());
        assertThat(trials).hasSizeLessThanOrEqualTo(14);
        // seed 42 draws x = 22, 2, 3, 4, 1, 37, 28, 13 for the first rung; 37 fails
        assertThat(trials).filteredOn(t -> t.parameters().get("x").equals("37")).singleElement()
                .satisfies(t -> assertThat(t.error()).contains("exited with code 3"));
        assertThat(trials).filteredOn(t -> t.rung() == 2).allSatisfy(t -> assertThat(t.samples()).hasSize(4));
        assertThat(Integer.parseInt(((Map<?, ?>) s.outputs().get("best")).get("x").toString())).isBetween(4, 16);
        assertThat(s.outputs().get("applied")).isEqualTo(false);
        assertThat(s.outputs().get("failed_trials")).isEqualTo(1L);
    }

    @Test
    void showListsTheTrialsOfARun() throws Exception {
        RunReport r = run(plan("""
                parameters: {n: [1, 2]}
                trial: {command: [sh, -c, "echo {{trial.n}}00"]}
                objective: {metric: stdout.median, goal: maximize}
                current: {n: 1}
                repeats: 3
                """));
        assertThat(step(r).outputs().get("best")).as(step(r).message()).isEqualTo(Map.of("n", "2"));
        String url = Database.defaultUrl(dir);
        db.close();
        String[] show = cli("show", String.valueOf(r.runId()), "--db", url);
        assertThat(show[0]).isEqualTo("0");
        assertThat(show[1]).contains("TRIAL").contains("PARAMETERS").contains("n=1").contains("n=2").contains("current").contains("200");
        db = Database.open(url, null, null);
    }

    @Test
    void badInputsAreRejectedWhenThePlanIsValidated() {
        assertThatThrownBy(() -> load(plan("""
                parameters: {x: [1, 2]}
                trial: {command: [run, "{{trial.y}}"]}
                objective: {metric: wall.median}
                """))).isInstanceOf(PlanException.class).hasMessageContaining("there is no parameter 'y'");
        assertThatThrownBy(() -> load(plan("""
                parameters: {x: [1, 2]}
                trial: {command: [run, "{{trial.x}}"]}
                objective: {metric: wall.p99}
                """))).isInstanceOf(PlanException.class).hasMessageContaining("not a trial metric");
        assertThatThrownBy(() -> load(plan("""
                parameters: {x: [1, 2], y: {min: 0, max: 1, scale: log}}
                trial: {command: [run, "{{trial.x}}"]}
                objective: {metric: wall.median}
                """))).isInstanceOf(PlanException.class).hasMessageContaining("log scale needs min > 0");
        assertThatThrownBy(() -> load(plan("""
                parameters: {x: [1, 2]}
                trial: {command: [run, "{{trial.x}}"]}
                objective: {metric: wall.median}
                current: {x: 1, z: 2}
                """))).isInstanceOf(PlanException.class).hasMessageContaining("not parameters: z");
        assertThatThrownBy(() -> load(plan("""
                parameters: {x: [1, 2]}
                trial: {command: [run, "{{trial.x}}"]}
                objective: {metric: wall.median}
                accept: {runs: 3, alpha: 0.01}
                """))).isInstanceOf(PlanException.class).hasMessageContaining("use at least 5");
    }

    @Test
    void nestedStepTrialsRunThroughTheEngineAndFindTheOptimum() throws Exception {
        RunReport r = run(plan("""
                parameters:
                  x: [1, 2, 4, 8, 16]
                trial:
                  steps:
                    - id: prepare
                      action: exec
                      with: {command: ["[ {{trial.x}} != 16 ]"], shell: true}
                    - id: work
                      action: exec
                      with: {command: "%s", shell: true}
                objective: {metric: work.wall}
                current: {x: 2}
                repeats: 3
                accept: {min_improvement: 20%%, runs: 8}
                """.formatted(BOWL)));
        StepReport s = step(r);
        assertThat(s.status()).as(s.message() + "\n" + String.join("\n", logs)).isEqualTo(Status.PASSED);
        assertThat(s.outputs().get("best")).isEqualTo(Map.of("x", "8"));
        assertThat(s.outputs().get("applied")).isEqualTo(false); // no apply.file
        assertThat(metric(s, "improvement")).isGreaterThan(40);
        List<OptimizationRepository.TrialRow> trials = db.runs().optimizations().trials(r.runId());
        assertThat(trials).filteredOn(t -> t.parameters().get("x").equals("16")).singleElement()
                .satisfies(t -> assertThat(t.error()).startsWith("nested step 'prepare' failed"));
        // nested steps are not steps of the run
        assertThat(db.runs().steps(r.runId())).extracting(x -> x.stepId()).containsExactly("tune");
    }

    @Test
    void nestedStepsAreCheckedBeforeTheSearch() throws Exception {
        assertThatThrownBy(() -> load(plan("""
                parameters: {x: [1, 2]}
                trial: {steps: [{id: work, action: exec, with: {command: [echo, "{{trial.x}}"]}}]}
                objective: {metric: load.wall}
                """))).isInstanceOf(PlanException.class).hasMessageContaining("<step-id>.<metric>, with one of: work");
        RunReport r = run(plan("""
                parameters: {x: [1, 2]}
                trial: {steps: [{id: work, action: exek, with: {command: [echo, "{{trial.x}}"]}}]}
                objective: {metric: work.wall}
                """));
        assertThat(step(r).status()).isEqualTo(Status.FAILED);
        assertThat(step(r).message()).contains("action 'exek', which does not exist").contains("exec");
        assertThat(db.runs().optimizations().trials(r.runId())).isEmpty();
    }

    @Test
    void aStepTimeoutEndsTheSearchAndKeepsTheTrialsDoneSoFar() throws Exception {
        long t0 = System.nanoTime();
        RunReport r = run("""
                plan: tune-test
                steps:
                  - id: tune
                    action: optimize
                    timeout: 2s
                    with:
                      parameters: {x: [1, 2, 3, 4, 5, 6, 7, 8]}
                      trial: {command: "true {{trial.x}}; sleep 0.3", shell: true}
                      objective: {metric: wall.median}
                      repeats: 2
                """);
        assertThat(System.nanoTime() - t0).as("the step ends near its timeout").isLessThan(12_000_000_000L);
        assertThat(step(r).status()).isEqualTo(Status.FAILED);
        assertThat(step(r).message()).contains("timed out");
        List<OptimizationRepository.TrialRow> trials = db.runs().optimizations().trials(r.runId());
        assertThat(trials).hasSizeBetween(1, 7).allSatisfy(t -> assertThat(t.samples()).hasSize(2));
    }

    @Test
    void anEscapedEngineExpressionGetsAHintAtRunTime() throws Exception {
        RunReport r = run(plan("""
                parameters: {x: [1, 2]}
                trial: {command: [echo, "$${trial.x}"]}
                objective: {metric: wall.median}
                """));
        assertThat(step(r).status()).isEqualTo(Status.FAILED);
        assertThat(step(r).message()).contains("trial values are written {{trial.<name>}}");
    }

    private static String[] cli(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new String[] {String.valueOf(code), o.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
        }
    }
}
