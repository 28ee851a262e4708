package io.perfplan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each write of the baseline, deployment, optimization and retention stores, on an H2 file whose
 * connection breaks right after the write committed: the retry finds what was committed, so every
 * row is written once, the lock is held rather than refused by its own row, and what the caller
 * is told (ids, "deleted") matches the database. The lock is also checked on PostgreSQL when
 * `.ci/run` provides one (PERFPLAN_TEST_PG_URL).
 */
class RetriedWritesTest {

    @TempDir
    Path dir;

    private Database db;

    @BeforeEach
    void open() {
        db = Database.open(Database.defaultUrl(dir), null, null);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aDeployLockWhoseInsertCommittedBeforeTheConnectionBrokeIsHeldNotRefused() {
        lockHeldAfterBrokenCommit(db, "shop");
    }

    @Test
    void aDeployLockWhoseInsertCommittedBeforeTheConnectionBrokeIsHeldNotRefusedOnPostgres() {
        String url = System.getenv("PERFPLAN_TEST_PG_URL");
        assumeTrue(url != null && !url.isBlank(), "PERFPLAN_TEST_PG_URL is not set");
        try (Database pg = Database.open(url, null, null)) {
            lockHeldAfterBrokenCommit(pg, "shop-" + Long.toHexString(System.nanoTime()));
        }
    }

    private static void lockHeldAfterBrokenCommit(Database db, String service) {
        BreaksAfterCommit broken = new BreaksAfterCommit(db.dataSource(), "INSERT INTO deploy_locks");
        DeploymentRepository locks = new DeploymentRepository(broken.dataSource());
        long run = db.runs().startRun(service, "test", "{}", null);

        String owner = locks.acquire(service, "prod", run, "deploy");

        assertThat(broken.breaks()).as("the connection broke after the insert").isEqualTo(1);
        assertThat(locks.holder(service, "prod")).get().satisfies(h -> {
            assertThat(h.owner()).isEqualTo(owner);
            assertThat(h.runId()).isEqualTo(run);
        });
        DeploymentRepository other = new DeploymentRepository(db.dataSource());
        assertThat(catchThrowable(() -> other.acquire(service, "prod", null, "other")))
                .as("a second deployment is still refused").isInstanceOf(DeploymentRepository.LockedException.class);
        locks.release(service, "prod", owner);
        assertThat(locks.holder(service, "prod")).isEmpty();
        db.runs().finishRun(run, "passed", null);
    }

    @Test
    void aBatchOfStepWritesCommittedBeforeTheConnectionBrokeIsWrittenOnce() {
        long run = db.runs().startRun("steps", "test", "{}", null);
        BreaksAfterCommit broken = new BreaksAfterCommit(db.dataSource(), "INSERT INTO metrics");
        RunRepository runs = new RunRepository(broken.dataSource());
        List<RunRepository.StepWrite> writes = new ArrayList<>();
        List<RunRepository.StepRef> refs = new ArrayList<>();
        for (String step : List.of("a", "b")) {
            RunRepository.StepRef ref = new RunRepository.StepRef();
            refs.add(ref);
            writes.add(new RunRepository.StartStep(ref, run, step, "exec", 1, Instant.now()));
            writes.add(new RunRepository.FinishStep(ref, run, step, 1, new RunRepository.StepResult("passed", "{}", null,
                    List.of(new RunRepository.MetricRow(step, "wall", "ms", "lower", 2.0)), List.of(), List.of()), Instant.now()));
        }
        writes.add(new RunRepository.StepStatus(refs.get(1), "failed", "until stayed false"));

        runs.writeSteps(writes);

        assertThat(broken.breaks()).as("the connection broke after the batch committed").isEqualTo(1);
        assertThat(db.runs().steps(run)).extracting(RunRepository.StepRow::id, RunRepository.StepRow::stepId, RunRepository.StepRow::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(refs.get(0).id(), "a", "passed"),
                        org.assertj.core.groups.Tuple.tuple(refs.get(1).id(), "b", "failed"));
        assertThat(db.runs().metrics(run)).extracting(RunRepository.MetricRow::stepId).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aDeploymentRecordedBeforeTheConnectionBrokeIsOneRowWithTheIdReturned() {
        long run = db.runs().startRun("shop", "test", "{}", null);
        for (Long runId : new Long[] {run, null}) {
            BreaksAfterCommit broken = new BreaksAfterCommit(db.dataSource(), "INSERT INTO deployments");
            String environment = runId == null ? "staging" : "prod";
            long id = new DeploymentRepository(broken.dataSource()).insert("shop", environment, "1.0", "deploying", runId, "{}");
            assertThat(broken.breaks()).isEqualTo(1);
            assertThat(db.runs().deployments().list("shop", environment, 10)).singleElement().satisfies(d -> {
                assertThat(d.id()).isEqualTo(id);
                assertThat(d.runId()).isEqualTo(runId);
            });
        }
    }

    @Test
    void optimizeTrialsAndChangesRecordedBeforeTheConnectionBrokeAreWrittenOnce() {
        long run = db.runs().startRun("tune", "test", "{}", null);
        BreaksAfterCommit brokenTrial = new BreaksAfterCommit(db.dataSource(), "INSERT INTO optimization_trials");
        new OptimizationRepository(brokenTrial.dataSource()).saveTrial(new OptimizationRepository.TrialRow(run, "opt", 1, 1,
                "candidate", 0, Map.of("threads", "8"), new double[] {1.5, 2.5}, 2.0, null, 10, Instant.now()));
        assertThat(brokenTrial.breaks()).isEqualTo(1);
        assertThat(db.runs().optimizations().trials(run)).singleElement()
                .satisfies(t -> assertThat(t.parameters()).containsEntry("threads", "8"));

        BreaksAfterCommit brokenChange = new BreaksAfterCommit(db.dataSource(), "INSERT INTO optimizations");
        long id = new OptimizationRepository(brokenChange.dataSource()).saveChange(new OptimizationRepository.ChangeRow(0, run, "tune",
                "opt", dir.resolve("app.properties").toString(), "properties", Map.of("threads", "8"), false, null,
                "threads=8\n".getBytes(), "applied", Instant.now(), null, null));
        assertThat(brokenChange.breaks()).isEqualTo(1);
        assertThat(db.runs().optimizations().changesOfRun(run)).singleElement().satisfies(c -> assertThat(c.id()).isEqualTo(id));
    }

    @Test
    void aBaselineStoredOrDeletedBeforeTheConnectionBrokeIsReportedAsDone() {
        long run = db.runs().startRun("shop", "test", "{}", null);
        BreaksAfterCommit brokenPut = new BreaksAfterCommit(db.dataSource(), "INSERT INTO baselines");
        new BaselineRepository(brokenPut.dataSource()).put(new BaselineRepository.BaselineRow("main", "shop", run, true, null, null));
        assertThat(brokenPut.breaks()).isEqualTo(1);
        assertThat(db.runs().baselines().all()).singleElement().satisfies(b -> assertThat(b.runId()).isEqualTo(run));

        BreaksAfterCommit brokenDelete = new BreaksAfterCommit(db.dataSource(), "DELETE FROM baselines");
        assertThat(new BaselineRepository(brokenDelete.dataSource()).delete("main")).as("deleted").isTrue();
        assertThat(brokenDelete.breaks()).isEqualTo(1);
        assertThat(db.runs().baselines().find("main")).isEmpty();
    }

    @Test
    void aPruneCommittedBeforeTheConnectionBrokeReportsTheRunsItDeleted() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long id = db.runs().startRun("old", "test", "{}", null);
            db.runs().finishRun(id, "passed", null);
            ids.add(id);
        }
        BreaksAfterCommit broken = new BreaksAfterCommit(db.dataSource(), "DELETE FROM runs");
        Retention.Outcome o = new Retention(broken.dataSource()).prune(Instant.now().plus(Duration.ofMinutes(1)), "old", false);
        assertThat(broken.breaks()).isEqualTo(1);
        assertThat(o.deleted()).containsExactlyElementsOf(ids);
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM runs WHERE plan = 'old'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }
}
