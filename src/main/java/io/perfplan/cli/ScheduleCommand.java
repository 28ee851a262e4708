package io.perfplan.cli;

import io.perfplan.schedule.FiringLog;
import io.perfplan.schedule.PlanScheduler;
import io.perfplan.schedule.ScheduleSettings;
import io.perfplan.schedule.ScheduledPlan;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Shows what {@code perfplan serve} has scheduled, from the database. */
@Command(name = "schedule", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, description = "The schedules `perfplan serve` keeps in the history database.",
        subcommands = {ScheduleCommand.ListSchedules.class})
public final class ScheduleCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, description = "List the scheduled plans with their last firing (outcome, run) and next fire times.")
    static final class ListSchedules implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = {"-n", "--next"}, paramLabel = "N", defaultValue = "3", description = "How many next fire times to show (default: ${DEFAULT-VALUE}).")
        int next;

        @Mixin
        Common common;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (next < 1) {
                throw new UsageException("--next must be at least 1");
            }
            return common.withDatabase(spec, (db, out) -> {
                // a scheduler that is never started only reads the QRTZ_ tables
                PlanScheduler scheduler = PlanScheduler.open(db, ScheduleSettings.defaults(db.url().startsWith("jdbc:postgresql:")), null);
                List<ScheduledPlan> plans;
                try {
                    plans = scheduler.list(next);
                } finally {
                    scheduler.close();
                }
                Map<String, FiringLog.Firing> last = new FiringLog(db.dataSource()).latestByPlan();
                if (json) {
                    out.println(Json.write(plans.stream().map(p -> json(p, last.get(p.plan()))).toList()));
                } else if (plans.isEmpty()) {
                    out.println("no scheduled plans; give a plan a `schedule: {cron: ...}` and start `perfplan serve --plans DIR`");
                } else {
                    Reports.table(out, List.of("PLAN", "CRON", "TIMEZONE", "OVERLAP", "MISFIRE", "STATE", "LAST", "NEXT"), plans.stream()
                            .map(p -> List.of(p.plan(), p.cron(), p.timezone(), p.overlap(), p.misfire(), p.state().toLowerCase(),
                                    last(last.get(p.plan())),
                                    next(p.nextFires())))
                            .toList());
                }
                return ExitCode.OK;
            });
        }

        private static String next(List<Instant> fires) {
            if (fires.isEmpty()) {
                return "never";
            }
            String times = fires.stream().map(ListSchedules::time).collect(Collectors.joining(", "));
            // a stored next fire time in the past: no `serve` is firing it (it applies `misfire` when it starts)
            return fires.get(0).isBefore(Instant.now().minusSeconds(5)) ? "overdue, is serve running? " + times : times;
        }

        private static String last(FiringLog.Firing f) {
            return f == null ? "-" : time(f.scheduledAt()) + " " + f.outcome() + (f.runId() == null ? "" : " (run " + f.runId() + ")");
        }

        private static String time(Instant t) {
            return t.toString().replace('T', ' ').replace("Z", " UTC");
        }

        static Map<String, Object> json(ScheduledPlan p, FiringLog.Firing last) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("plan", p.plan());
            m.put("cron", p.cron());
            m.put("timezone", p.timezone());
            m.put("overlap", p.overlap());
            m.put("misfire", p.misfire());
            m.put("file", p.file());
            m.put("state", p.state().toLowerCase());
            m.put("previous_fire", p.previousFire());
            m.put("next_fires", p.nextFires());
            Map<String, Object> l = null;
            if (last != null) {
                l = new LinkedHashMap<>();
                l.put("scheduled_at", last.scheduledAt());
                l.put("outcome", last.outcome());
                l.put("run_id", last.runId());
                l.put("node", last.node());
            }
            m.put("last_firing", l);
            return m;
        }
    }
}
