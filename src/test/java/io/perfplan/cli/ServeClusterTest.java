package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.perfplan.schedule.FiringLog;
import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two `perfplan serve` processes clustered on one real PostgreSQL database (`.ci/run` starts one and
 * sets PERFPLAN_TEST_PG_URL; skipped without it): every firing runs once, and the firing of a node
 * killed mid-run is run again by the other node while its own run is recorded `interrupted`.
 */
class ServeClusterTest {

    @TempDir
    Path dir;

    private final List<Process> nodes = new ArrayList<>();
    private String adminUrl;
    private String database;

    @AfterEach
    void cleanUp() throws Exception {
        nodes.forEach(Process::destroyForcibly);
        for (Process p : nodes) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (database != null) {
            try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    private Process node(int n, String url) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--plans", "plans", "--db", url,
                "--checkin-interval", "500ms", "--grace", "10s");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.redirectOutput(dir.resolve("node" + n + ".out").toFile()).redirectError(dir.resolve("node" + n + ".err").toFile());
        Process p = pb.start();
        nodes.add(p);
        return p;
    }

    private String output(int n) throws Exception {
        return Files.readString(dir.resolve("node" + n + ".out")) + Files.readString(dir.resolve("node" + n + ".err"));
    }

    private static Optional<String> nodeId(String output) {
        var m = java.util.regex.Pattern.compile("as node (\\S+) \\(cluster\\)").matcher(output);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static void await(String what, Duration limit, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void twoNodesRunEachFiringOnceAndAKilledNodesFiringIsRunAgain() throws Exception {
        adminUrl = System.getenv("PERFPLAN_TEST_PG_URL");
        assumeTrue(adminUrl != null && !adminUrl.isBlank(), "PERFPLAN_TEST_PG_URL is not set");
        database = "perfplan_cluster_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        }
        String url = adminUrl.replaceFirst("/([^/?]+)(\\?|$)", "/" + database + "$2");
        Files.createDirectories(dir.resolve("plans"));
        Files.writeString(dir.resolve("plans/beat.yaml"), """
                plan: beat
                schedule: {cron: "*/2 * * * * ?", overlap: allow}
                steps:
                  - id: work
                    action: exec
                    with: {command: [sleep, "1.5"]}
                """);
        try (Database db = Database.open(url, null, null)) { // migrate once, before the nodes race for it
            FiringLog firings = new FiringLog(db.dataSource());
            RunRepository runs = db.runs();
            node(1, url);
            node(2, url);
            await("both nodes joined", Duration.ofSeconds(20), () -> {
                try {
                    return nodeId(output(1)).isPresent() && nodeId(output(2)).isPresent();
                } catch (Exception e) {
                    return false;
                }
            });
            Map<String, Integer> processOf = Map.of(nodeId(output(1)).get(), 0, nodeId(output(2)).get(), 1);
            // a firing going on a node: kill that node hard
            await("a firing is running", Duration.ofSeconds(10), () -> firings.recent("beat", 5).stream()
                    .anyMatch(f -> f.outcome().equals("running") && f.runId() != null));
            FiringLog.Firing victim = firings.recent("beat", 5).stream()
                    .filter(f -> f.outcome().equals("running") && f.runId() != null).findFirst().orElseThrow();
            Process killed = nodes.get(processOf.get(victim.node()));
            killed.destroyForcibly();
            killed.waitFor(5, TimeUnit.SECONDS);

            await("the other node ran the killed node's firing again", Duration.ofSeconds(20), () -> firings.find("beat", victim.scheduledAt())
                    .filter(f -> f.recoveredRun() != null && f.outcome().equals("passed")).isPresent());
            Process survivor = nodes.get(1 - processOf.get(victim.node()));
            Thread.sleep(1000);
            survivor.destroy();
            assertThat(survivor.waitFor(20, TimeUnit.SECONDS)).isTrue();

            assertThat(runs.run(victim.runId()).orElseThrow().status()).isEqualTo("interrupted");
            List<FiringLog.Firing> all = firings.recent("beat", 1000);
            // no firing lost: one row every 2 s from the first to the last
            List<Instant> times = all.stream().map(FiringLog.Firing::scheduledAt).sorted().toList();
            assertThat(times.size()).isGreaterThanOrEqualTo(5);
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.between(times.get(i - 1), times.get(i))).as("firings %s", times).isEqualTo(Duration.ofSeconds(2));
            }
            // none doubled: every firing has one run of its own, and every scheduled run belongs to one firing
            List<RunRepository.RunRow> scheduled = runs.history(new RunRepository.Filter("beat", null, null, null, 0));
            assertThat(all).allSatisfy(f -> assertThat(f.outcome()).as("firing %s", f).isEqualTo("passed"));
            assertThat(all.stream().map(FiringLog.Firing::runId).distinct().count()).isEqualTo(all.size());
            assertThat(scheduled.stream().filter(r -> !r.status().equals("interrupted")).map(RunRepository.RunRow::id).sorted().toList())
                    .isEqualTo(all.stream().map(FiringLog.Firing::runId).sorted().toList());
            // the output may say a firing "was already taken by another node": that is FiringLog refusing a
            // second run of it (two nodes replacing a changed plan's trigger at once can fire a time twice)
            Function<String, Long> byNode = n -> all.stream().filter(f -> f.node().equals(n)).count();
            System.out.println("firings per node: " + processOf.keySet().stream().collect(Collectors.toMap(n -> n, byNode)));
        }
    }
}
