package io.perfplan.cli;

import io.perfplan.store.DeploymentRepository;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists deployments recorded by deploy and rollback steps, newest first. */
@Command(name = "deployments", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List deployments (deploy and rollback steps), newest first.")
public final class DeploymentsCommand implements Callable<Integer> {

    @Option(names = "--service", paramLabel = "S", description = "Only deployments of this service.")
    String service;

    @Option(names = "--environment", paramLabel = "E", description = "Only deployments to this environment.")
    String environment;

    @Option(names = "--limit", paramLabel = "N", description = "At most this many (default 20).")
    int limit = 20;

    @Option(names = "--json", description = "Print JSON (with each deployment's details).")
    boolean json;

    @Mixin
    Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw new UsageException("--limit must be at least 1");
        }
        return common.withDatabase(spec, (db, out) -> {
            List<DeploymentRepository.DeploymentRow> rows = db.runs().deployments().list(service, environment, limit);
            if (json) {
                out.println(Json.write(rows.stream().map(DeploymentsCommand::toJson).toList()));
                return ExitCode.OK;
            }
            if (rows.isEmpty()) {
                out.println(service == null ? "no deployments yet; plans/quickstart.yaml makes some: perfplan run plans/quickstart.yaml"
                        : "no deployments of " + service + (environment == null ? "" : " in " + environment));
                return ExitCode.OK;
            }
            Reports.table(out, List.of("ID", "SERVICE", "ENVIRONMENT", "VERSION", "STATUS", "RUN", "STARTED", "TOOK", "NOTE"),
                    rows.stream().map(r -> List.of(String.valueOf(r.id()), r.service(), r.environment(), r.version(), r.status(),
                            r.runId() == null ? "" : String.valueOf(r.runId()),
                            r.startedAt().toString().replace('T', ' ').substring(0, 19), Reports.duration(r.startedAt(), r.finishedAt()),
                            note(r))).toList());
            return ExitCode.OK;
        });
    }

    private static Map<String, Object> toJson(DeploymentRepository.DeploymentRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("service", r.service());
        m.put("environment", r.environment());
        m.put("version", r.version());
        m.put("status", r.status());
        m.put("run_id", r.runId());
        m.put("started_at", r.startedAt().toString());
        m.put("finished_at", r.finishedAt() == null ? null : r.finishedAt().toString());
        m.put("details", r.details() == null ? Map.of() : Json.read(r.details()));
        return m;
    }

    /** The one thing worth seeing in a table: what a rollback undid and why, why one failed, else its pid. */
    private static String note(DeploymentRepository.DeploymentRow r) {
        Object details = r.details() == null ? null : Json.read(r.details());
        if (!(details instanceof Map<?, ?> m)) {
            return "";
        }
        String why = m.get("reason") != null ? ": " + m.get("reason") : m.get("error") != null ? ": " + m.get("error") : "";
        String note;
        if (m.get("rollback_of") != null) {
            note = "rollback of " + m.get("rollback_of") + why;
        } else if (m.get("rolled_back_by") != null) {
            note = "rolled back by " + m.get("rolled_back_by") + why;
        } else if (m.get("error") != null) {
            note = String.valueOf(m.get("error"));
        } else {
            note = m.get("pid") != null ? "pid " + m.get("pid") : "";
        }
        return note.length() > 100 ? note.substring(0, 97) + "..." : note;
    }
}
