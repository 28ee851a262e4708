package io.perfplan.cli;

import io.perfplan.report.Csv;
import io.perfplan.store.ReadOnlyQuery;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Read-only SQL over the history tables. */
@Command(name = "query", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run one read-only SQL query over the history tables.",
                "",
                "Tables: runs, step_runs, metrics, samples, histograms, baselines, deployments and alerts (see the "
                        + "README, History database). Anything that could write, change settings or reach outside the database "
                        + "is refused: DDL, DML, CALL, SCRIPT, COPY, SET, FILE_READ, CSVWRITE, LINK_SCHEMA, pg_read_file, "
                        + "lo_import, dblink and the like."},
        footer = {"", "Example:", "  perfplan query \"SELECT r.id, m.metric_value FROM runs r JOIN metrics m ON m.run_id = r.id"
                + " WHERE r.plan = 'quickstart' AND m.step_id = 'load' AND m.name = 'latency.p99' ORDER BY r.id DESC\""})
public final class QueryCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SQL", description = "One SELECT (or WITH ... SELECT, or VALUES) statement.")
    String sql;

    @Option(names = "--limit", paramLabel = "N", description = "At most this many rows (default 1000).")
    int limit = 1000;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Cancel the query after this long (default 10s).")
    String timeout = "10s";

    @Option(names = "--json", description = "Print JSON: {columns, rows, truncated}.")
    boolean json;

    @Option(names = "--csv", description = "Print CSV (RFC 4180) with a header line.")
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
        if (limit < 1 || limit > 1_000_000) {
            throw new UsageException("--limit must be between 1 and 1000000 rows");
        }
        Duration max;
        try {
            max = io.perfplan.plan.Quantities.duration(timeout);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--timeout " + e.getMessage());
        }
        if (max.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new UsageException("--timeout must be at least 1s");
        }
        PrintWriter err = spec.commandLine().getErr();
        return common.withDatabase(spec, (db, out) -> {
            ReadOnlyQuery.Result r = new ReadOnlyQuery(db).run(sql, limit, max);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("columns", r.columns());
                m.put("rows", r.rows());
                m.put("truncated", r.truncated());
                out.println(Json.write(m));
            } else if (csv) {
                Csv.write(out, r.columns(), r.rows());
            } else {
                Reports.table(out, r.columns().stream().map(c -> c.toUpperCase(java.util.Locale.ROOT)).toList(),
                        r.rows().stream().map(row -> row.stream().map(v -> v == null ? "" : v instanceof Double d ? Reports.value(d)
                                : String.valueOf(v)).toList()).toList());
                out.println("(" + r.rows().size() + (r.rows().size() == 1 ? " row)" : " rows)"));
            }
            out.flush();
            if (r.truncated()) {
                err.println("perfplan: the result was cut at " + limit + " rows; narrow the query or raise --limit");
                err.flush();
            }
            return ExitCode.OK;
        });
    }
}
