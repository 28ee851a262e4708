package io.perfplan.cli;

import io.perfplan.store.Retention;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Housekeeping of the history database. */
@Command(name = "db", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Housekeeping of the history database.",
        subcommands = {DbCommand.Prune.class})
public final class DbCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Deletes old runs, keeping what baselines need. */
    @Command(name = "prune", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Delete runs older than --keep with their steps, metrics, samples and histograms.",
                    "Never deleted: running runs, runs a baseline points at, and the runs a rolling baseline's window reads."})
    public static final class Prune implements Callable<Integer> {

        @Option(names = "--keep", required = true, paramLabel = "AGE", description = "Keep runs started within this time, e.g. 90d.")
        String keep;

        @Option(names = "--plan", description = "Only runs of this plan.")
        String plan;

        @Option(names = "--dry-run", description = "Say what would be deleted; delete nothing.")
        boolean dryRun;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Mixin
        Common common;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Duration age;
            try {
                age = io.perfplan.plan.Quantities.duration(keep);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--keep " + e.getMessage());
            }
            if (age.isZero() || age.isNegative()) {
                throw new UsageException("--keep must be a positive age such as 90d");
            }
            return common.withDatabase(spec, (db, out) -> {
                Retention.Outcome o = new Retention(db.dataSource()).prune(Instant.now().minus(age), plan, dryRun);
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("dry_run", dryRun);
                    m.put("deleted", o.deleted());
                    m.put("kept_for_baselines", o.keptForBaselines());
                    out.println(Json.write(m));
                } else {
                    out.println(o.summary(dryRun, age));
                }
                return ExitCode.OK;
            });
        }
    }
}
