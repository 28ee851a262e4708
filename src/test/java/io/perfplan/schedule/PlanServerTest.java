package io.perfplan.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.perfplan.engine.ActionRegistry;
import io.perfplan.engine.Engine;
import io.perfplan.plan.Expressions;
import io.perfplan.plan.GroovyExpressions;
import io.perfplan.plan.PlanValidator;
import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** perfplan serve on a real H2 file: real Quartz JDBC job store, real engine, real child processes. */
class PlanServerTest {

    private static final ScheduleSettings FAST = ScheduleSettings.defaults(false)
            .withMisfireThreshold(Duration.ofSeconds(1))
            .withPollInterval(Duration.ofMillis(200))
            .withGrace(Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private Path plans;
    private Database db;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<PlanServer> servers = new ArrayList<>();
    private final ActionRegistry actions = ActionRegistry.withBuiltIns();
    private final Expressions expressions = new Expressions(GroovyExpressions::new);

    @BeforeEach
    void open() throws Exception {
        plans = Files.createDirectories(dir.resolve("plans"));
        // as `perfplan serve` opens H2: the retry: file system survives Quartz interrupting its threads at shutdown
        db = Database.open(Database.defaultUrl(dir).replace("jdbc:h2:file:", "jdbc:h2:retry:"), null, null, 12);
    }

    @AfterEach
    void close() {
        servers.forEach(PlanServer::stop);
        db.close();
    }

    private PlanServer serve(ScheduleSettings settings) {
        Engine engine = new Engine(actions, db.runs(), expressions);
        ScheduledRuns runs = new ScheduledRuns(engine, new FiringLog(db.dataSource()), System.getenv(), lines::add);
        PlanScheduler scheduler = PlanScheduler.open(db, settings, runs);
        PlanServer server = new PlanServer(plans, scheduler, runs, new PlanValidator(actions, expressions)::loadAndValidate,
                settings, lines::add);
        servers.add(server);
        server.start();
        return server;
    }

    private void plan(String file, String yaml) throws Exception {
        Path tmp = plans.resolve(file + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, plans.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String echoPlan(String name, String cron, String extraSchedule) {
        return """
                plan: %s
                schedule: {cron: "%s"%s}
                steps:
                  - id: hello
                    action: exec
                    with: {command: [echo, hi]}
                """.formatted(name, cron, extraSchedule);
    }

    private List<RunRepository.RunRow> runs(String plan) {
        return db.runs().history(new RunRepository.Filter(plan, null, null, null, 0));
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void planScheduledEverySecondFiresAndItsRunsAreRecorded() throws Exception {
        plan("tick.yaml", echoPlan("tick", "* * * * * ?", ""));
        PlanServer server = serve(FAST);
        await("three runs passed", Duration.ofSeconds(12), () -> runs("tick").stream().filter(r -> r.status().equals("passed")).count() >= 3);
        server.stop();
        List<RunRepository.RunRow> rows = runs("tick");
        assertThat(rows).allSatisfy(r -> assertThat(r.trigger()).isEqualTo("schedule"));
        List<FiringLog.Firing> firings = new FiringLog(db.dataSource()).recent("tick", 100);
        // every run belongs to exactly one firing
        assertThat(firings.stream().map(FiringLog.Firing::runId).filter(java.util.Objects::nonNull).distinct().count())
                .isEqualTo(firings.stream().filter(f -> f.runId() != null).count());
        assertThat(firings.stream().filter(f -> f.runId() != null).map(FiringLog.Firing::runId).sorted().toList())
                .isEqualTo(rows.stream().map(RunRepository.RunRow::id).sorted().toList());
        assertThat(lines).anyMatch(l -> l.contains("plan tick scheduled: cron \"* * * * * ?\""));
    }

    @Test
    void afterDowntimeAMissedFiringRunsOnceOrNotAtAllAsConfigured() throws Exception {
        // both plans fire once a day, a few seconds from now; the server is down at that moment
        ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3);
        String cron = at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " * * ?";
        plan("once.yaml", echoPlan("once", cron, ", misfire: run-once"));
        plan("skip.yaml", echoPlan("skip", cron, ", misfire: skip"));
        PlanServer first = serve(FAST);
        first.stop();
        Instant missed = at.toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // down until the firing is late by more than the misfire threshold (1 s)
        while (Instant.now().isBefore(missed.plusMillis(2500))) {
            Thread.sleep(100);
        }
        assertThat(runs("once")).isEmpty();

        PlanServer second = serve(FAST);
        await("the catch-up run of 'once' passed", Duration.ofSeconds(10),
                () -> runs("once").stream().anyMatch(r -> r.status().equals("passed")));
        Thread.sleep(1500); // room for a wrong second catch-up run
        assertThat(runs("once")).hasSize(1);
        assertThat(runs("skip")).isEmpty();
        PlanScheduler check = PlanScheduler.open(db, FAST, null);
        try {
            for (ScheduledPlan p : check.list(1)) {
                // both wait for tomorrow's firing now
                assertThat(p.nextFires().get(0)).isAfter(missed.plus(Duration.ofHours(23)));
            }
        } finally {
            check.close();
        }
        second.stop();
    }

    @Test
    void overlapSkipNeverStartsARunWhileThePreviousIsGoing() throws Exception {
        plan("slow.yaml", """
                plan: slow
                schedule: {cron: "* * * * * ?", overlap: skip}
                steps:
                  - id: nap
                    action: exec
                    with: {command: [sleep, "1.6"]}
                """);
        PlanServer server = serve(FAST);
        await("two runs finished", Duration.ofSeconds(12),
                () -> runs("slow").stream().filter(r -> r.finishedAt() != null).count() >= 2);
        server.stop();
        List<RunRepository.RunRow> rows = new ArrayList<>(runs("slow"));
        rows.sort(java.util.Comparator.comparing(RunRepository.RunRow::startedAt));
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).startedAt()).as("run %d starts after run %d ended", rows.get(i).id(), rows.get(i - 1).id())
                    .isAfterOrEqualTo(rows.get(i - 1).finishedAt());
        }
        List<FiringLog.Firing> firings = new FiringLog(db.dataSource()).recent("slow", 100);
        assertThat(firings).anyMatch(f -> f.outcome().equals("skipped"));
        assertThat(lines).anyMatch(l -> l.contains("skipped, the previous run is still going"));
    }

    @Test
    void overlapQueueRunsTheHeldBackFiringRightAfterThePreviousRun() throws Exception {
        plan("queued.yaml", """
                plan: queued
                schedule: {cron: "* * * * * ?", overlap: queue}
                steps:
                  - id: nap
                    action: exec
                    with: {command: [sleep, "1.2"]}
                """);
        PlanServer server = serve(FAST);
        await("two runs finished", Duration.ofSeconds(12),
                () -> runs("queued").stream().filter(r -> r.finishedAt() != null).count() >= 2);
        server.stop();
        List<RunRepository.RunRow> rows = new ArrayList<>(runs("queued"));
        rows.sort(java.util.Comparator.comparing(RunRepository.RunRow::startedAt));
        for (int i = 1; i < rows.size(); i++) {
            RunRepository.RunRow before = rows.get(i - 1);
            RunRepository.RunRow next = rows.get(i);
            assertThat(next.startedAt()).as("run %d waits for run %d", next.id(), before.id()).isAfterOrEqualTo(before.finishedAt());
            // the held-back firing starts as soon as the run before ends, not at a later second
            assertThat(Duration.between(before.finishedAt(), next.startedAt())).isLessThan(Duration.ofMillis(900));
        }
        assertThat(new FiringLog(db.dataSource()).recent("queued", 100)).noneMatch(f -> f.outcome().equals("skipped"));
    }

    @Test
    void cronIsReadInThePlansTimeZone() throws Exception {
        plan("tokyo.yaml", echoPlan("tokyo", "0 30 2 * * ?", ", timezone: Asia/Tokyo"));
        PlanScheduler scheduler = PlanScheduler.open(db, FAST, null);
        try {
            scheduler.schedule(new PlanValidator(actions, expressions).loadAndValidate(plans.resolve("tokyo.yaml")));
            ScheduledPlan p = scheduler.list(2).get(0);
            assertThat(p.timezone()).isEqualTo("Asia/Tokyo");
            // 02:30 in Tokyo is 17:30 UTC (no daylight saving there), once a day
            assertThat(p.nextFires()).allSatisfy(t -> assertThat(t.atZone(ZoneOffset.UTC).toLocalTime()).isEqualTo(java.time.LocalTime.of(17, 30)));
            assertThat(Duration.between(p.nextFires().get(0), p.nextFires().get(1))).isEqualTo(Duration.ofDays(1));
        } finally {
            scheduler.close();
        }
    }

    @Test
    void changedNewAndDeletedPlansAreRescheduledWithinSeconds() throws Exception {
        plan("later.yaml", echoPlan("later", "0 0 3 1 1 ?", ""));
        plan("gone.yaml", echoPlan("gone", "0 0 3 1 1 ?", ""));
        serve(FAST);
        PlanScheduler check = PlanScheduler.open(db, FAST, null);
        try {
            assertThat(check.scheduledPlans()).containsExactly("gone", "later");
            plan("later.yaml", echoPlan("later", "* * * * * ?", ""));
            plan("fresh.yaml", echoPlan("fresh", "0 0 4 1 1 ?", ", overlap: queue"));
            Files.delete(plans.resolve("gone.yaml"));
            await("the changed plan runs", Duration.ofSeconds(10), () -> !runs("later").isEmpty());
            await("the folder is in line", Duration.ofSeconds(5), () -> check.scheduledPlans().equals(java.util.Set.of("fresh", "later")));
            ScheduledPlan later = check.list(2).stream().filter(p -> p.plan().equals("later")).findFirst().orElseThrow();
            assertThat(later.cron()).isEqualTo("* * * * * ?");
            assertThat(Duration.between(later.nextFires().get(0), later.nextFires().get(1))).isEqualTo(Duration.ofSeconds(1));
            assertThat(lines).anyMatch(l -> l.contains("plan later rescheduled"))
                    .anyMatch(l -> l.contains("plan fresh scheduled"))
                    .anyMatch(l -> l.contains("gone.yaml was deleted"));
        } finally {
            check.close();
        }
    }

    @Test
    void anInvalidPlanIsReportedWithItsPositionAndKeepsItsPreviousSchedule() throws Exception {
        plan("tick.yaml", echoPlan("tick", "* * * * * ?", ""));
        // valid, but nobody could give it its parameter or secret when it fires
        plan("needs.yaml", """
                plan: needs
                params:
                  version: {type: string, required: true}
                secrets: [PERFPLAN_TEST_SECRET_THAT_IS_NOT_SET]
                schedule: {cron: "* * * * * ?"}
                steps:
                  - {id: hi, action: exec, with: {command: [echo, "${params.version}"]}}
                """);
        serve(FAST);
        assertThat(lines).anyMatch(l -> l.matches(".*needs\\.yaml:3:\\d+: parameter 'version' has no default.*"))
                .anyMatch(l -> l.contains("secret PERFPLAN_TEST_SECRET_THAT_IS_NOT_SET is not set"))
                .anyMatch(l -> l.contains("needs.yaml cannot be scheduled"));
        await("a first run", Duration.ofSeconds(10), () -> !runs("tick").isEmpty());
        plan("tick.yaml", """
                plan: tick
                schedule: {cron: "*/30 * * * * ?"}
                steps:
                  - id: hello
                    action: exce
                    with: {command: [echo, hi]}
                """);
        await("the problem is reported", Duration.ofSeconds(10), () -> lines.stream().anyMatch(l -> l.contains("tick.yaml is invalid")));
        assertThat(lines).anyMatch(l -> l.matches(".*tick\\.yaml:5:\\d+: .*exce.*"));
        int before = runs("tick").size();
        await("more runs on the old schedule", Duration.ofSeconds(10), () -> runs("tick").size() >= before + 2);
        PlanScheduler check = PlanScheduler.open(db, FAST, null);
        try {
            assertThat(check.list(1)).singleElement().satisfies(p -> assertThat(p.cron()).isEqualTo("* * * * * ?"));
        } finally {
            check.close();
        }
    }
}
