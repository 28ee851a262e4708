package io.perfplan.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second JVM hosts the H2 file (AUTO_SERVER) and exits while this one deploys under the lock,
 * records optimize trials and changes, stores a baseline, prunes and queries, over and over: the
 * file changes hands under that work, and no call fails and none writes twice.
 */
class HandOverTest {

    private static final int ROUNDS = 2;

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void storesKeepWorkingWhileTheProcessHostingTheFileExits() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            handOver(dir.resolve("round" + round));
        }
    }

    private void handOver(Path folder) throws Exception {
        Files.createDirectories(folder);
        String url = Database.defaultUrl(folder);
        Process host = startHost(folder, url);
        try (Database db = Database.open(url, null, null)) {
            long run = db.runs().startRun("handover", "test", "{}", null);
            DeploymentRepository deployments = db.runs().deployments();
            OptimizationRepository optimizations = db.runs().optimizations();
            BaselineRepository baselines = db.runs().baselines();
            Retention retention = db.runs().retention();
            ReadOnlyQuery query = new ReadOnlyQuery(db);

            int done = 0;
            int doneAfterExit = 0;
            long exitedAt = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // bounded in count and time; goes on for 3 s after the host has exited
            while (done < 5000 && System.nanoTime() < deadline
                    && (exitedAt == 0 || System.nanoTime() - exitedAt < TimeUnit.SECONDS.toNanos(3))) {
                if (done == 20) {
                    host.getOutputStream().close(); // the host exits while this process works on its file
                }
                String owner = deployments.acquire("shop", "prod", run, "deploy");
                long id = deployments.insert("shop", "prod", "v" + done, "deploying", run, "{}");
                optimizations.saveTrial(new OptimizationRepository.TrialRow(run, "tune", 1, done, "candidate", 0,
                        Map.of("i", Integer.toString(done)), new double[] {done}, (double) done, null, 1, Instant.now()));
                long change = optimizations.saveChange(new OptimizationRepository.ChangeRow(0, run, "handover", "tune",
                        folder.resolve("app.properties").toString(), "properties", Map.of("i", Integer.toString(done)), false, null,
                        new byte[] {1}, "applied", null, null, null));
                optimizations.markUndone(change, "next");
                baselines.put(new BaselineRepository.BaselineRow("main", "handover", run, true, null, null));
                assertThat(retention.prune(Instant.EPOCH, "handover", false).deleted()).isEmpty();
                deployments.update(id, "deployed", null, true);
                deployments.release("shop", "prod", owner);
                ReadOnlyQuery.Result r = query.run("SELECT COUNT(*) FROM deployments WHERE status = 'deployed'", 10, Duration.ofSeconds(30));
                done++;
                assertThat(((Number) r.rows().get(0).get(0)).intValue()).isEqualTo(done);
                if (exitedAt != 0) {
                    doneAfterExit++;
                } else if (done > 20 && !host.isAlive()) {
                    exitedAt = System.nanoTime();
                }
            }
            String hostOutput = Files.readString(folder.resolve("host.out")) + Files.readString(folder.resolve("host.err"));
            assertThat(host.waitFor(60, TimeUnit.SECONDS)).as("the host exited: %s", hostOutput).isTrue();
            assertThat(host.exitValue()).as(hostOutput).isZero();
            assertThat(doneAfterExit).as("rounds of work after the host exited").isGreaterThan(0);

            // every write once, whatever broke under it
            assertThat(deployments.list("shop", "prod", 10_000)).hasSize(done)
                    .allSatisfy(d -> assertThat(d.status()).isEqualTo("deployed"));
            assertThat(deployments.holder("shop", "prod")).as("the lock is free").isEmpty();
            assertThat(optimizations.trials(run)).hasSize(done);
            assertThat(optimizations.changesOfRun(run)).hasSize(done).allSatisfy(c -> assertThat(c.status()).isEqualTo("undone"));
            assertThat(baselines.all()).singleElement().satisfies(b -> assertThat(b.runId()).isEqualTo(run));
        }
    }

    private Process startHost(Path folder, String url) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), H2Host.class.getName(), url);
        Process p = new ProcessBuilder(cmd).directory(folder.toFile())
                .redirectOutput(folder.resolve("host.out").toFile()).redirectError(folder.resolve("host.err").toFile()).start();
        started.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(folder.resolve("host.out")).contains("hosting")) {
            assertThat(p.isAlive()).as("the host started: %s", Files.readString(folder.resolve("host.err"))).isTrue();
            assertThat(System.nanoTime()).as("the host opened the file within 60 s").isLessThan(deadline);
            Thread.sleep(50);
        }
        return p;
    }
}
