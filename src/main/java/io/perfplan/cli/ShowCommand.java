package io.perfplan.cli;

import io.perfplan.store.OptimizationRepository;
import io.perfplan.store.RunRepository;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Shows one run: its steps, attempts, errors and metrics. */
@Command(name = "show", description = "Show one run: steps, attempts, errors, metrics and tuning trials.")
public final class ShowCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id (see `perfplan history`), or 'last'.")
    String run;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Mixin
    Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return common.withDatabase(spec, (db, out) -> {
            RunRepository runs = db.runs();
            RunRepository.RunRow r = RunRef.resolve(runs, run);
            long id = r.id();
            List<RunRepository.StepRow> steps = runs.steps(id);
            List<RunRepository.MetricRow> metrics = runs.metrics(id);
            if (json) {
                Map<String, Object> m = Reports.runRow(r);
                m.put("steps", steps.stream().map(Reports::stepRow).toList());
                Map<String, Object> byStep = new LinkedHashMap<>();
                for (RunRepository.MetricRow x : metrics) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> s = (Map<String, Object>) byStep.computeIfAbsent(x.stepId(), k -> new LinkedHashMap<>());
                    s.put(x.name(), Map.of("value", x.value(), "unit", x.unit(), "direction", x.direction()));
                }
                m.put("metrics", byStep);
                m.put("alerts", runs.alerts(id).stream().map(a -> Map.of("step", a.stepId(), "rule", a.rule(),
                        "severity", a.severity(), "message", a.message() == null ? "" : a.message(), "fired_at", a.firedAt().toString())).toList());
                m.put("trials", runs.optimizations().trials(id).stream().map(t -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("step", t.stepId());
                    row.put("attempt", t.attempt());
                    row.put("trial", t.number());
                    row.put("role", t.role());
                    row.put("rung", t.rung());
                    row.put("parameters", t.parameters());
                    row.put("objective", t.objective());
                    row.put("samples", t.samples());
                    row.put("error", t.error());
                    return row;
                }).toList());
                out.println(Json.write(m));
                return ExitCode.OK;
            }
            out.println("run " + r.id() + " of plan " + r.plan() + ": " + r.status()
                    + " (" + r.trigger() + ", started " + r.startedAt() + ", took " + Reports.duration(r.startedAt(), r.finishedAt()) + ")");
            if (r.params() != null && !r.params().equals("{}")) {
                out.println("params: " + r.params());
            }
            if (r.traceId() != null) {
                out.println("trace: " + r.traceId());
            }
            if (r.error() != null) {
                out.println("error: " + r.error());
            }
            out.println();
            Reports.table(out, List.of("STEP", "ACTION", "ATTEMPT", "STATUS", "TOOK", "MESSAGE"),
                    steps.stream().map(s -> List.of(s.stepId(), s.action(), String.valueOf(s.attempt()), s.status(),
                            Reports.duration(s.startedAt(), s.finishedAt()), s.error() == null ? "" : s.error())).toList());
            if (!metrics.isEmpty()) {
                out.println();
                Reports.table(out, List.of("METRIC", "VALUE", "UNIT"),
                        metrics.stream().map(x -> List.of(x.stepId() + "." + x.name(), Reports.value(x.value()), x.unit())).toList());
            }
            List<RunRepository.AlertRow> alerts = runs.alerts(id);
            if (!alerts.isEmpty()) {
                out.println();
                Reports.table(out, List.of("ALERT", "STEP", "SEVERITY", "FIRED", "MESSAGE"),
                        alerts.stream().map(a -> List.of(a.rule(), a.stepId(), a.severity(), a.firedAt().toString(),
                                a.message() == null ? "" : a.message())).toList());
            }
            List<OptimizationRepository.TrialRow> trials = runs.optimizations().trials(id);
            if (!trials.isEmpty()) {
                out.println();
                Reports.table(out, List.of("STEP", "TRIAL", "RUNG", "PARAMETERS", "OBJECTIVE", "RUNS", "ERROR"),
                        trials.stream().map(t -> List.of(t.stepId() + (t.attempt() > 1 ? "#" + t.attempt() : ""),
                                t.role().equals("current") ? "current" : String.valueOf(t.number()), String.valueOf(t.rung()),
                                t.parameters().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                                        .collect(java.util.stream.Collectors.joining(" ")),
                                t.objective() == null ? "" : Reports.value(t.objective()), String.valueOf(t.samples().length),
                                t.error() == null ? "" : t.error())).toList());
            }
            return ExitCode.OK;
        });
    }
}
