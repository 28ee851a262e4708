package io.perfplan.cli;

import io.perfplan.engine.RunReport;
import io.perfplan.engine.StepReport;
import io.perfplan.store.RunRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of runs, steps and metrics that {@code run --json}, {@code history} and {@code show} print. */
final class Reports {

    private Reports() {}

    static Map<String, Object> run(RunReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", r.runId());
        m.put("plan", r.plan());
        m.put("status", r.status().id());
        m.put("duration_ms", r.duration().toMillis());
        m.put("error", r.error());
        m.put("steps", r.steps().stream().map(Reports::step).toList());
        return m;
    }

    static Map<String, Object> step(StepReport s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.stepId());
        m.put("action", s.action());
        m.put("status", s.status().id());
        m.put("attempts", s.attempts());
        m.put("duration_ms", s.duration().toMillis());
        m.put("message", s.message());
        m.put("continue_on_error", s.continueOnError());
        Map<String, Object> metrics = new LinkedHashMap<>();
        s.metrics().forEach(x -> metrics.put(x.name(), Map.of("value", x.value(), "unit", x.unit().symbol())));
        m.put("metrics", metrics);
        m.put("outputs", s.outputs());
        return m;
    }

    static Map<String, Object> runRow(RunRepository.RunRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", r.id());
        m.put("plan", r.plan());
        m.put("status", r.status());
        m.put("trigger", r.trigger());
        m.put("started_at", r.startedAt());
        m.put("finished_at", r.finishedAt());
        m.put("duration_ms", r.finishedAt() == null ? null : Duration.between(r.startedAt(), r.finishedAt()).toMillis());
        m.put("params", Json.read(r.params()));
        m.put("node", r.node());
        m.put("trace_id", r.traceId());
        m.put("error", r.error());
        return m;
    }

    static Map<String, Object> stepRow(RunRepository.StepRow s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.stepId());
        m.put("action", s.action());
        m.put("status", s.status());
        m.put("attempt", s.attempt());
        m.put("started_at", s.startedAt());
        m.put("duration_ms", s.finishedAt() == null ? null : Duration.between(s.startedAt(), s.finishedAt()).toMillis());
        m.put("error", s.error());
        m.put("outputs", Json.read(s.outputs()));
        return m;
    }

    static String duration(Instant from, Instant to) {
        return to == null ? "-" : io.perfplan.plan.Quantities.format(Duration.between(from, to));
    }

    static String value(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.format(java.util.Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.3f", v);
    }

    /** Prints rows as a left-aligned text table. */
    static void table(java.io.PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
        }
        for (List<String> r : rows) {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], r.get(i) == null ? 1 : Math.min(80, r.get(i).length()));
            }
        }
        StringBuilder fmt = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            fmt.append(i == w.length - 1 ? "%s" : "%-" + w[i] + "s  ");
        }
        out.println(String.format(fmt.toString(), header.toArray()).stripTrailing());
        for (List<String> r : rows) {
            Object[] cells = r.stream().map(c -> c == null ? "-" : c.length() > 80 ? c.substring(0, 77) + "..." : c).toArray();
            out.println(String.format(fmt.toString(), cells).stripTrailing());
        }
    }
}
