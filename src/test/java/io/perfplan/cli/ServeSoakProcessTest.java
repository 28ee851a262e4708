package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.perfplan.schedule.FiringLog;
import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short soak of `perfplan serve` as a real process (the long one is bench/serve-soak.sh): 20 plans
 * firing every 2 s at spread offsets for 30 s. Every firing due in the window that Quartz has passed
 * (a trigger's next fire time after SIGTERM marks what it had not reached yet) is recorded exactly
 * once with a passed run of its own; no run without a firing, no firing with two runs.
 */
class ServeSoakProcessTest {

    private static final int PLANS = 20;
    private static final int EVERY_SECONDS = 2;
    private static final Duration WINDOW = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Process serve;

    @AfterEach
    void stop() throws Exception {
        if (serve != null) {
            serve.destroyForcibly();
            serve.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void twentyPlansEveryTwoSecondsFireOnceEach() throws Exception {
        Files.createDirectories(dir.resolve("plans"));
        for (int i = 1; i <= PLANS; i++) {
            Files.writeString(dir.resolve("plans/soak-" + i + ".yaml"), "plan: soak-" + i + "\nschedule: {cron: \"" + (i % EVERY_SECONDS)
                    + "/" + EVERY_SECONDS + " * * * * ?\"}\nsteps:\n  - {id: s, action: exec, with: {command: [\"true\"]}}\n");
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--plans", "plans",
                "--grace", "20s").directory(dir.toFile());
        pb.environment().remove("PERFPLAN_DB");
        pb.redirectOutput(dir.resolve("serve.out").toFile()).redirectError(dir.resolve("serve.err").toFile());
        serve = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!output().contains("serving " + PLANS + " scheduled plan(s)")) {
            assertThat(serve.isAlive()).as(output()).isTrue();
            assertThat(System.nanoTime()).as("serve started: %s", output()).isLessThan(deadline);
            Thread.sleep(100);
        }
        Instant from = Instant.now().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant until = from.plus(WINDOW);
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), until).toMillis()) + 2000);
        serve.destroy(); // SIGTERM
        assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("serve stopped").isTrue();
        assertThat(serve.exitValue()).as(output()).isZero();
        assertThat(output()).doesNotContainIgnoringCase("exception").doesNotContain("could not").doesNotContain("not run");

        try (Database db = Database.open(Database.defaultUrl(dir), null, null)) {
            FiringLog firings = new FiringLog(db.dataSource());
            Map<String, Instant> nextFire = nextFireTimes(db);
            Set<Long> runsOfFirings = new HashSet<>();
            List<String> missed = new ArrayList<>();
            int expectedTotal = 0;
            for (int i = 1; i <= PLANS; i++) {
                String plan = "soak-" + i;
                // due in the window and already passed by Quartz when serve stopped
                Instant reached = nextFire.getOrDefault(plan, until).isBefore(until) ? nextFire.get(plan) : until;
                List<Instant> expected = new ArrayList<>();
                for (Instant t = from; t.isBefore(reached); t = t.plusSeconds(1)) {
                    if (t.getEpochSecond() % EVERY_SECONDS == i % EVERY_SECONDS) {
                        expected.add(t);
                    }
                }
                expectedTotal += expected.size();
                Map<Instant, FiringLog.Firing> recorded = new HashMap<>();
                for (FiringLog.Firing f : firings.recent(plan, 10_000)) {
                    assertThat(f.outcome()).as("firing %s", f).isIn("passed", "skipped");
                    if (f.runId() != null) {
                        assertThat(runsOfFirings.add(f.runId())).as("run %d belongs to one firing", f.runId()).isTrue();
                    }
                    recorded.put(f.scheduledAt(), f);
                }
                expected.stream().filter(t -> !recorded.containsKey(t)).forEach(t -> missed.add(plan + "@" + t));
            }
            assertThat(expectedTotal).as("firings due in the window").isGreaterThanOrEqualTo(PLANS * 10);
            // the misfire threshold is 60 s: on a machine however loaded, a firing in a 30 s window runs late, never not at all
            assertThat(missed).as("firings due but not recorded, of %d", expectedTotal).isEmpty();
            List<RunRepository.RunRow> scheduled = db.runs().history(new RunRepository.Filter(null, null, null, null, 0));
            assertThat(scheduled).allSatisfy(r -> {
                assertThat(r.trigger()).isEqualTo("schedule");
                assertThat(r.status()).isEqualTo("passed");
                assertThat(runsOfFirings).as("run %d was claimed by a firing", r.id()).contains(r.id());
            });
            System.out.println("serve soak: " + expectedTotal + " firings due, " + scheduled.size() + " runs in all; load average "
                    + Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }

    private static Map<String, Instant> nextFireTimes(Database db) throws Exception {
        Map<String, Instant> out = new HashMap<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT TRIGGER_NAME, NEXT_FIRE_TIME FROM QRTZ_TRIGGERS");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
            }
        }
        return out;
    }

    private String output() throws Exception {
        return Files.readString(dir.resolve("serve.out")) + Files.readString(dir.resolve("serve.err"));
    }
}
