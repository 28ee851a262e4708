package io.perfplan.cli;

import io.perfplan.engine.Cancellation;
import io.perfplan.engine.Engine;
import io.perfplan.plan.Quantities;
import io.perfplan.schedule.FiringLog;
import io.perfplan.schedule.PlanScheduler;
import io.perfplan.schedule.PlanServer;
import io.perfplan.schedule.ScheduleSettings;
import io.perfplan.schedule.ScheduledRuns;
import io.perfplan.store.Database;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the plans of a folder on their schedules until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, description = "Run every plan in a folder that has a `schedule` on its cron (Quartz; the schedules are kept in the"
        + " history database).%n%nThe folder is watched: new, changed and deleted plans are rescheduled within seconds; an"
        + " invalid plan is reported and keeps its previous schedule. SIGTERM or Ctrl-C stops firing, lets running runs"
        + " finish for --grace, then cancels them (their `finally` steps run).%n%nWith a PostgreSQL --db every `serve` on"
        + " that database joins one cluster: each firing runs on one node, and a dead node's firing is run again by another.",
        footer = {"", "Example: perfplan serve --plans plans   (then: perfplan schedule list)"})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--plans", paramLabel = "DIR", defaultValue = "plans", description = "The plans folder (default: ${DEFAULT-VALUE}).")
    Path plans;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "10", description = "Most runs going at once on this node (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "60s",
            description = "On SIGTERM, how long running runs may finish before they are cancelled (default: ${DEFAULT-VALUE}).")
    String grace;

    @Option(names = "--poll", paramLabel = "DURATION", defaultValue = "1s",
            description = "How often the plans folder is checked for changes (default: ${DEFAULT-VALUE}).")
    String poll;

    @Option(names = "--misfire-threshold", paramLabel = "DURATION", defaultValue = "60s",
            description = "How late a firing may start before it counts as missed and the plan's `misfire` rule applies (default: ${DEFAULT-VALUE}).")
    String misfireThreshold;

    @Option(names = "--checkin-interval", paramLabel = "DURATION", defaultValue = "7500ms", hidden = true,
            description = "Cluster only: how often a node tells the others it is alive.")
    String checkinInterval;

    @Mixin
    Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path folder = plans.toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) {
            throw new UsageException("the plans folder " + plans + " does not exist; pass an existing folder with --plans DIR");
        }
        String url = common.url(Path.of(""));
        if (url.startsWith("jdbc:h2:file:")) {
            // Quartz interrupts its threads when it stops; H2's `retry:` file system reopens a file
            // channel an interrupt closed instead of failing the database for every connection
            url = "jdbc:h2:retry:" + url.substring("jdbc:h2:file:".length());
        }
        ScheduleSettings settings = ScheduleSettings.defaults(url.startsWith("jdbc:postgresql:"))
                .withThreads(threads)
                .withGrace(duration("--grace", grace))
                .withPollInterval(duration("--poll", poll))
                .withMisfireThreshold(duration("--misfire-threshold", misfireThreshold))
                .withCheckinInterval(duration("--checkin-interval", checkinInterval));
        Consumer<String> report = line -> {
            synchronized (out) {
                out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
                out.flush();
            }
        };
        // Quartz's threads (scheduler, misfires, cluster check-in) and every run need connections
        try (Database db = Database.open(url, System.getenv("PERFPLAN_DB_USER"), System.getenv("PERFPLAN_DB_PASSWORD"), threads + 6)) {
            Engine engine = new Engine(Services.actions(), db.runs(), Services.expressions());
            ScheduledRuns runs = new ScheduledRuns(engine, new FiringLog(db.dataSource()), RunCommand.childEnvironment(), report);
            PlanScheduler scheduler = PlanScheduler.open(db, settings, runs);
            PlanServer server = new PlanServer(folder, scheduler, runs, Services.validator()::loadAndValidate, settings, report);
            try {
                server.start();
            } catch (RuntimeException e) {
                scheduler.close();
                throw e;
            }
            // SIGTERM and Ctrl-C stop the server while the JVM keeps running (a shutdown would close
            // the database under the runs still finishing); a second signal exits at once
            Cancellation stopRequest = new Cancellation();
            stopRequest.onCancel(() -> new Thread(server::stop, "perfplan-serve-stop").start());
            try (SignalCancellation signals = SignalCancellation.install(stopRequest)) {
                server.awaitStopped();
            }
        }
        return ExitCode.OK;
    }

    private static java.time.Duration duration(String option, String text) {
        try {
            return Quantities.duration(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }
}
