package io.perfplan.actions.profile;

import io.perfplan.engine.ActionRegistry;
import io.perfplan.engine.Cancellation;
import io.perfplan.engine.Engine;
import io.perfplan.engine.RunListener;
import io.perfplan.engine.RunReport;
import io.perfplan.engine.Status;
import io.perfplan.engine.StepReport;
import io.perfplan.plan.Plan;
import io.perfplan.plan.PlanValidator;
import io.perfplan.plan.Expressions;
import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The profile action bound from YAML and run by the real engine, with results in a real H2 store. */
class ProfileThroughEngineTest {

    @TempDir
    Path dir;

    private Database db;
    private final ActionRegistry actions = ActionRegistry.withBuiltIns();
    private final Expressions expressions = new Expressions(() -> {
        throw new AssertionError("these plans use plain expressions only");
    });

    @BeforeEach
    void open() {
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
        return new Engine(actions, db.runs(), expressions).run(plan, Engine.resolveParams(plan, Map.of()),
                new Engine.RunOptions("test", RunListener.NONE, new Cancellation(), System.getenv()));
    }

    @Test
    void storesPerRunWallSamplesAndMetrics() throws Exception {
        RunReport r = run("""
                plan: prof
                steps:
                  - id: nap
                    action: profile
                    with:
                      command: "sleep 0.05"
                      shell: true
                      runs: 3
                      warmup: 0
                      min_time: 10ms
                """);

        assertThat(r.status()).isEqualTo(Status.PASSED);
        StepReport step = r.steps().get(0);
        assertThat(step.outputs()).containsEntry("bottleneck", "waiting");
        assertThat(step.metrics()).extracting(StepReport.RecordedMetric::name)
                .contains("wall.mean", "wall.median", "wall.stddev", "cpu.user", "rss.peak");
        List<RunRepository.SampleRow> samples = db.runs().samples(r.runId());
        assertThat(samples).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("wall");
            assertThat(s.values()).hasSize(3);
            assertThat(java.util.Arrays.stream(s.values()).boxed().toList()).allSatisfy(v -> assertThat(v).isBetween(45.0, 3000.0));
        });
    }

    @Test
    void missingProgramFailsTheStepWithOneSentence() throws Exception {
        RunReport r = run("""
                plan: prof
                steps:
                  - id: ghost
                    action: profile
                    with: {command: [no-such-benchmark-tool, --all], runs: 2}
                """);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.steps().get(0).message())
                .isEqualTo("Command 'no-such-benchmark-tool' was not found on the PATH; check the spelling, install it, or give its full path.");
    }

    @Test
    void conflictingTargetsAreRejectedBeforeAnythingRuns() {
        assertThatThrownBy(() -> run("""
                plan: prof
                steps:
                  - id: both
                    action: profile
                    with: {command: [sleep, "1"], system: true}
                """)).hasMessageContaining("profile takes one target but got command, system; keep only one of them.");
    }
}
