package io.perfplan.cli;

import io.perfplan.report.HtmlReport;
import io.perfplan.report.ReportData;
import io.perfplan.store.RunRepository;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes the HTML report of one run. */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Write a run's HTML report: one self-contained file with charts, that works offline.",
                "",
                "Summary and verdict, step timeline, latency and throughput over time, latency spectrum, errors, the "
                        + "trend of the gated metrics with the baseline marked; then the checks, steps and metrics."})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id (see `perfplan history`), or 'last'.")
    String run;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the report (default: perfplan-run-<RUN>.html).")
    Path output;

    @Option(names = "--last", paramLabel = "N", description = "Runs shown in the trend charts (default 30).")
    int last = 30;

    @Mixin
    Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (last < 2 || last > 10_000) {
            throw new UsageException("--last must be between 2 and 10000 runs");
        }
        return common.withDatabase(spec, (db, out) -> {
            RunRepository.RunRow r = RunRef.resolve(db.runs(), run);
            Path file = output == null ? Path.of("perfplan-run-" + r.id() + ".html") : output;
            write(db.runs(), r.id(), last, file);
            out.println("wrote " + file + " (report of run " + r.id() + " of plan " + r.plan() + ")");
            return ExitCode.OK;
        });
    }

    /** Writes the report of a stored run; shared with {@code run --report}. */
    static void write(RunRepository runs, long runId, int trendRuns, Path file) {
        ReportData data = ReportData.load(runs, runId, trendRuns)
                .orElseThrow(() -> new UsageException("there is no run " + runId + "; see `perfplan history`"));
        try {
            HtmlReport.write(data, file);
        } catch (IOException e) {
            throw new UsageException("cannot write the report to " + file + ": " + e.getMessage()
                    + "; choose a writable path with -o");
        }
    }
}
