package io.perfplan.cli;

import io.perfplan.plan.Quantities;
import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists past runs, newest first. */
@Command(name = "history", description = "List past runs, newest first.")
public final class HistoryCommand implements Callable<Integer> {

    @Option(names = "--plan", description = "Only runs of this plan.")
    String plan;

    @Option(names = "--status", description = "Only runs with this status: running, passed, failed, cancelled, interrupted.")
    String status;

    @Option(names = "--since", paramLabel = "AGE", description = "Only runs started within this time, e.g. 7d, 12h.")
    String since;

    @Option(names = "--limit", description = "At most this many runs (default 20).")
    int limit = 20;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Mixin
    Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Instant from = null;
        if (since != null) {
            try {
                from = Instant.now().minus(Quantities.duration(since));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--since " + e.getMessage());
            }
        }
        if (status != null && !List.of("running", "passed", "failed", "cancelled", "interrupted").contains(status)) {
            throw new UsageException("--status must be one of running, passed, failed, cancelled, interrupted");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Database db = common.open(Path.of(""))) {
            List<RunRepository.RunRow> rows = db.runs().history(new RunRepository.Filter(plan, status, from, null, limit));
            if (json) {
                out.println(Json.write(rows.stream().map(Reports::runRow).toList()));
                return ExitCode.OK;
            }
            if (rows.isEmpty()) {
                out.println("no runs yet; start one with: perfplan run plans/quickstart.yaml");
                return ExitCode.OK;
            }
            Reports.table(out, List.of("RUN", "PLAN", "STATUS", "STARTED", "TOOK", "TRIGGER", "ERROR"),
                    rows.stream().map(r -> List.of(String.valueOf(r.id()), r.plan(), r.status(),
                            r.startedAt().toString().replace('T', ' ').substring(0, 19), Reports.duration(r.startedAt(), r.finishedAt()),
                            r.trigger(), r.error() == null ? "" : r.error())).toList());
        }
        return ExitCode.OK;
    }
}
