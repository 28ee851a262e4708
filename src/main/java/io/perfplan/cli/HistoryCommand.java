package io.perfplan.cli;

import io.perfplan.plan.Quantities;
import io.perfplan.store.RunRepository;
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

    @Option(names = "--until", paramLabel = "AGE_OR_TIME",
            description = "Only runs started before this: an age such as 2d, or a time such as 2026-05-01 or 2026-05-01T12:00:00Z.")
    String until;

    @Option(names = "--limit", description = "At most this many runs (default 20).")
    int limit = 20;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--csv", description = "Print CSV (RFC 4180).")
    boolean csv;

    @Mixin
    Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (json && csv) {
            throw new UsageException("--json and --csv exclude each other; choose one");
        }
        Instant from = since == null ? null : instant("--since", since);
        Instant to = until == null ? null : instant("--until", until);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new UsageException("--since " + since + " is not before --until " + until + "; nothing could match");
        }
        if (status != null && !List.of("running", "passed", "failed", "cancelled", "interrupted").contains(status)) {
            throw new UsageException("--status must be one of running, passed, failed, cancelled, interrupted");
        }
        return common.withDatabase(spec, (db, out) -> {
            List<RunRepository.RunRow> rows = db.runs().history(new RunRepository.Filter(plan, status, from, to, limit));
            if (json) {
                out.println(Json.write(rows.stream().map(Reports::runRow).toList()));
                return ExitCode.OK;
            }
            if (csv) {
                io.perfplan.report.Csv.write(out, List.of("run_id", "plan", "status", "trigger", "started_at", "finished_at",
                        "duration_ms", "node", "error"), rows.stream().map(r -> java.util.Arrays.<Object>asList(r.id(), r.plan(),
                        r.status(), r.trigger(), r.startedAt(), r.finishedAt(),
                        r.finishedAt() == null ? null : java.time.Duration.between(r.startedAt(), r.finishedAt()).toMillis(),
                        r.node(), r.error())).toList());
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
            return ExitCode.OK;
        });
    }

    /** An age ({@code 7d}: that long ago) or an ISO date or instant ({@code 2026-05-01}, UTC midnight). */
    static Instant instant(String option, String text) {
        try {
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
                return java.time.OffsetDateTime.parse(text.endsWith("Z") || text.matches(".*[+-]\\d{2}:\\d{2}$") ? text : text + "Z").toInstant();
            }
            return Instant.now().minus(Quantities.duration(text));
        } catch (java.time.format.DateTimeParseException | IllegalArgumentException e) {
            throw new UsageException(option + " '" + text + "' is neither an age nor a time; write an age such as 7d or 12h,"
                    + " or a date such as 2026-05-01 (UTC) or 2026-05-01T12:00:00Z");
        }
    }
}
