package io.perfplan.actions.deploy;

import static io.perfplan.actions.deploy.DeployRuns.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.perfplan.engine.RunReport;
import io.perfplan.engine.Status;
import io.perfplan.store.RunRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One deployment per service and environment at a time: a lock row in the database, taken over when its holder is gone. */
class DeployLockTest {

    @TempDir
    java.nio.file.Path dir;

    private DeployRuns runs;

    @BeforeEach
    void open() {
        runs = new DeployRuns(dir);
    }

    @AfterEach
    void close() {
        runs.close();
    }

    private static String commandDeploy(String id, String environment) {
        return """
                  - id: %s
                    action: deploy
                    with: {service: shop, environment: %s, version: "1.0", command: ["true"]}
                """.formatted(id, environment);
    }

    /** A deployment whose command runs until the file {@code release} appears (at most 30 s). */
    private static String heldDeploy() {
        return """
                  - id: deploy
                    action: deploy
                    with:
                      service: shop
                      version: "1.0"
                      command: [sh, -c, 'i=0; while [ ! -f release ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done']
                """;
    }

    @Test
    void aSecondDeploymentOfTheSameServiceAtOnceIsRefused() throws Exception {
        CompletableFuture<RunReport> first = CompletableFuture.supplyAsync(() -> {
            try {
                return runs.run("plan: slow\nsteps:\n" + heldDeploy());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (runs.db.runs().deployments().holder("shop", "default").isEmpty() && System.nanoTime() < deadline && !first.isDone()) {
            Thread.sleep(20);
        }
        assertThat(runs.db.runs().deployments().holder("shop", "default")).as("the first deployment holds the lock").isPresent();

        RunReport second = runs.run("plan: other\nsteps:\n" + commandDeploy("again", "default")
                + commandDeploy("staging", "staging").replace("    with:", "    if: always()\n    with:"));
        assertThat(step(second, "again").status()).isEqualTo(Status.FAILED);
        assertThat(step(second, "again").message()).startsWith("another deployment of shop in environment default is in progress (run ")
                .contains("step deploy, pid " + ProcessHandle.current().pid() + " on " + RunRepository.node())
                .endsWith("; wait for it to finish and try again");
        assertThat(step(second, "staging").status()).as("another environment is not locked").isEqualTo(Status.PASSED);

        assertThat(first).as("the first deployment still runs").isNotDone();
        java.nio.file.Files.writeString(dir.resolve("release"), "");
        RunReport done = first.get(30, TimeUnit.SECONDS);
        assertThat(done.status()).isEqualTo(Status.PASSED);
        assertThat(runs.db.runs().deployments().holder("shop", "default")).as("released at the end").isEmpty();
        RunReport third = runs.run("plan: later\nsteps:\n" + commandDeploy("deploy", "default"));
        assertThat(third.status()).isEqualTo(Status.PASSED);
        assertThat(runs.deployments("shop")).extracting(d -> d.environment() + " " + d.status())
                .containsExactly("default healthy", "staging healthy", "default superseded");
    }

    @Test
    void aLockLeftByADeadProcessOrAFinishedRunIsTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        insertLock("shop", "default", null, RunRepository.node(), gone.pid());
        long finishedRun = runs.db.runs().startRun("old", "test", "{}", null);
        runs.db.runs().finishRun(finishedRun, "failed", "crashed");
        insertLock("shop", "staging", finishedRun, "some-other-node", 1);

        RunReport r = runs.run("plan: p\nsteps:\n" + commandDeploy("a", "default") + commandDeploy("b", "staging"));
        assertThat(r.status()).as(String.join("\n", runs.logs)).isEqualTo(Status.PASSED);
        assertThat(runs.db.runs().deployments().holder("shop", "default")).isEmpty();
        assertThat(runs.db.runs().deployments().holder("shop", "staging")).isEmpty();
    }

    @Test
    void aLockOfALiveRunOnAnotherNodeHolds() throws Exception {
        long running = runs.db.runs().startRun("elsewhere", "test", "{}", null);
        insertLock("shop", "default", running, "some-other-node", 1);
        RunReport r = runs.run("plan: p\nsteps:\n" + commandDeploy("a", "default"));
        assertThat(step(r, "a").message()).startsWith("another deployment of shop in environment default is in progress (run "
                + running + ", step x, pid 1 on some-other-node");
    }

    private void insertLock(String service, String environment, Long runId, String node, long pid) throws Exception {
        try (Connection c = runs.db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO deploy_locks (service, environment, owner, run_id, step_id, node, pid, pid_started, acquired_at)"
                        + " VALUES (?, ?, 'test', ?, 'x', ?, ?, 0, ?)")) {
            ps.setString(1, service);
            ps.setString(2, environment);
            ps.setObject(3, runId);
            ps.setString(4, node);
            ps.setLong(5, pid);
            ps.setTimestamp(6, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        }
    }
}
