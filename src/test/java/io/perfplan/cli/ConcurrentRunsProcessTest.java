package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.perfplan.schedule.FiringLog;
import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bursts of eight `perfplan run` processes at once on one database while `perfplan serve` fires
 * alongside: the first burst on an empty folder (every process races to create and migrate the H2
 * file), later ones while the process hosting the H2 file (AUTO_SERVER) exits under the others.
 * Every run is recorded once, with all its steps and metrics, and no user sees a lock error.
 */
class ConcurrentRunsProcessTest {

    private static final int PROCESSES = 8;
    private static final Pattern RUN_LINE = Pattern.compile("^run (\\d+) passed", Pattern.MULTILINE);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private String adminUrl;
    private String pgDatabase;

    @AfterEach
    void cleanUp() throws Exception {
        started.forEach(Process::destroyForcibly);
        for (Process p : started) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (pgDatabase != null) {
            try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + pgDatabase + " WITH (FORCE)");
            }
        }
    }

    @Test
    void burstsOfRunsOnOneH2FileWithServeFiringAreEachRecordedOnce() throws Exception {
        burstsWithServe(null);
    }

    @Test
    void burstsOfRunsOnPostgresWithServeFiringAreEachRecordedOnce() throws Exception {
        adminUrl = System.getenv("PERFPLAN_TEST_PG_URL");
        assumeTrue(adminUrl != null && !adminUrl.isBlank(), "PERFPLAN_TEST_PG_URL is not set");
        pgDatabase = "perfplan_burst_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + pgDatabase);
        }
        // an empty database: the processes race for Flyway's first migration
        burstsWithServe(adminUrl.replaceFirst("/([^/?]+)(\\?|$)", "/" + pgDatabase + "$2"));
    }

    /** Three bursts of eight runs; {@code url} null means the default H2 file under the working folder. */
    private void burstsWithServe(String url) throws Exception {
        Files.createDirectories(dir.resolve("plans"));
        Files.createDirectories(dir.resolve("scheduled"));
        Files.writeString(dir.resolve("plans/burst.yaml"), """
                plan: burst
                params:
                  tag: {type: string}
                  nap: {type: string, default: "0.3"}
                steps:
                  - id: first
                    action: exec
                    with: {command: [echo, "${params.tag}"]}
                  - id: nap
                    action: exec
                    with: {command: [sleep, "${params.nap}"]}
                  - id: last
                    action: exec
                    with: {command: [echo, done]}
                """);
        Files.writeString(dir.resolve("scheduled/tick.yaml"), """
                plan: tick
                schedule: {cron: "* * * * * ?", overlap: allow}
                steps:
                  - id: beat
                    action: exec
                    with: {command: [echo, beat]}
                """);
        Map<String, Long> runOfTag = new HashMap<>();

        // burst 1: serve and eight runs start together on a database that does not exist yet
        Process serve = start("serve", url, "serve", "--plans", "scheduled", "--grace", "10s");
        runOfTag.putAll(burst(url, 1, 0));
        // burst 2: while serve fires every second
        runOfTag.putAll(burst(url, 2, 0));
        serve.destroy(); // SIGTERM
        assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("serve stopped").isTrue();
        String serveOutput = Files.readString(dir.resolve("serve.out")) + Files.readString(dir.resolve("serve.err"));
        assertThat(serve.exitValue()).as(serveOutput).isZero();
        assertThat(serveOutput).as("serve's output").doesNotContainIgnoringCase("exception").doesNotContain("could not")
                .doesNotContainIgnoringCase("lock file").doesNotContain("not run").contains("stopped");
        // burst 3: one short run opens the file first and exits while the others are connected to it
        runOfTag.putAll(burst(url, 3, 1));

        assertThat(runOfTag).hasSize(3 * PROCESSES);
        assertThat(runOfTag.values()).as("run ids").doesNotHaveDuplicates();
        try (Database db = Database.open(url == null ? Database.defaultUrl(dir) : url, null, null)) {
            RunRepository runs = db.runs();
            List<RunRepository.RunRow> cli = runs.history(new RunRepository.Filter("burst", null, null, null, 0));
            assertThat(cli).as("runs of plan burst").hasSize(3 * PROCESSES);
            ObjectMapper json = new ObjectMapper();
            for (RunRepository.RunRow r : cli) {
                String tag = json.readTree(r.params()).get("tag").asText();
                assertThat(runOfTag.get(tag)).as("the run of %s", tag).isEqualTo(r.id());
                assertThat(r.status()).isEqualTo("passed");
                assertThat(r.trigger()).isEqualTo("cli");
                assertThat(runs.steps(r.id())).as("steps of run %d", r.id()).extracting(RunRepository.StepRow::stepId,
                        RunRepository.StepRow::status, RunRepository.StepRow::attempt).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("first", "passed", 1), org.assertj.core.groups.Tuple.tuple("nap", "passed", 1),
                        org.assertj.core.groups.Tuple.tuple("last", "passed", 1));
                assertThat(runs.metrics(r.id())).as("metrics of run %d", r.id())
                        .filteredOn(m -> m.name().equals("wall")).extracting(RunRepository.MetricRow::stepId)
                        .containsExactlyInAnyOrder("first", "nap", "last");
                assertThat(runs.steps(r.id()).get(0).outputs()).contains(tag);
            }
            // serve's firings: each fired once, each with its own passed run, and each such run belongs to one firing
            List<FiringLog.Firing> firings = new FiringLog(db.dataSource()).recent("tick", 1000);
            List<RunRepository.RunRow> scheduled = runs.history(new RunRepository.Filter("tick", null, null, null, 0));
            assertThat(firings).as("serve fired during the bursts").isNotEmpty();
            assertThat(firings).allSatisfy(f -> assertThat(f.outcome()).as("firing %s", f).isEqualTo("passed"));
            assertThat(scheduled).allSatisfy(r -> assertThat(r.status()).isEqualTo("passed"));
            assertThat(scheduled.stream().map(RunRepository.RunRow::id).sorted().toList())
                    .isEqualTo(firings.stream().map(FiringLog.Firing::runId).sorted().toList());
            for (RunRepository.RunRow r : scheduled) {
                assertThat(runs.steps(r.id())).singleElement().satisfies(s -> assertThat(s.status()).isEqualTo("passed"));
            }
        }
    }

    /**
     * Starts eight runs at once (the first {@code shortFirst} of them alone, a moment earlier, with a
     * short nap, so they hold the H2 file and exit under the others) and checks what each user saw.
     * Returns each run's id by its tag.
     */
    private Map<String, Long> burst(String url, int round, int shortFirst) throws Exception {
        List<Process> procs = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            boolean early = i < shortFirst;
            procs.add(start("r" + round + "-" + i, url, "run", "plans/burst.yaml", "-p", "tag=r" + round + "-" + i,
                    "-p", "nap=" + (early ? "0.05" : "1")));
            if (early) {
                Thread.sleep(700);
            }
        }
        Map<String, Long> out = new HashMap<>();
        for (int i = 0; i < PROCESSES; i++) {
            String name = "r" + round + "-" + i;
            Process p = procs.get(i);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", name).isTrue();
            String stdout = Files.readString(dir.resolve(name + ".out"));
            String stderr = Files.readString(dir.resolve(name + ".err"));
            assertThat(p.exitValue()).as("exit of %s: %s%s", name, stdout, stderr).isZero();
            assertThat(stderr).as("stderr of %s", name).doesNotContainIgnoringCase("lock").doesNotContainIgnoringCase("timeout")
                    .doesNotContainIgnoringCase("exception").isBlank();
            Matcher m = RUN_LINE.matcher(stdout);
            assertThat(m.find()).as("stdout of %s: %s", name, stdout).isTrue();
            out.put(name, Long.parseLong(m.group(1)));
        }
        return out;
    }

    private Process start(String name, String url, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        if (url != null) {
            cmd.addAll(List.of("--db", url));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("PERFPLAN_DB");
        pb.environment().remove("PERFPLAN_LOG_LEVEL");
        pb.redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }
}
