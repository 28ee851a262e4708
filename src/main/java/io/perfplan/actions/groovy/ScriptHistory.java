package io.perfplan.actions.groovy;

import io.perfplan.engine.RunHistory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only history for scripts ({@code ctx.history}): metric values of earlier runs and of this
 * run's finished steps, and baselines. Metrics are named {@code <step>.<metric>} as gates write them.
 *
 * <pre>
 * def p99s = ctx.history.values('load.latency.p99', limit: 3)   // earlier runs, oldest first
 * def now = ctx.history.current('load.latency.p99')            // this run, null if not reported
 * </pre>
 */
public final class ScriptHistory {

    private final RunHistory history;
    private final String plan;
    private final long runId;

    ScriptHistory(RunHistory history, String plan, long runId) {
        this.history = history;
        this.plan = plan;
        this.runId = runId;
    }

    /** Values of a metric in earlier runs of this plan that passed or failed, newest 10, oldest first. */
    public List<Double> values(String metric) {
        return values(Map.of(), metric);
    }

    /** Options: {@code limit} (default 10), {@code plan} (default this plan), {@code statuses} (default passed, failed). */
    public List<Double> values(Map<String, Object> options, String metric) {
        return series(options, metric).stream().map(RunHistory.Point::value).toList();
    }

    /** Like {@link #values} with each run's id, start time, status, value and unit. */
    public List<RunHistory.Point> series(Map<String, Object> options, String metric) {
        for (String k : options.keySet()) {
            if (!java.util.Set.of("limit", "plan", "statuses").contains(k)) {
                throw new IllegalArgumentException("unknown history option '" + k + "'; options: limit, plan, statuses");
            }
        }
        String[] parts = split(metric);
        int limit = options.get("limit") instanceof Number n ? n.intValue() : 10;
        String ofPlan = options.get("plan") == null ? plan : String.valueOf(options.get("plan"));
        List<String> statuses = options.get("statuses") instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                : List.of("passed", "failed");
        return history.series(ofPlan, parts[0], parts[1], runId, statuses, limit);
    }

    public List<RunHistory.Point> series(String metric) {
        return series(Map.of(), metric);
    }

    /** The value an earlier step of this run reported, or null. */
    public Double current(String metric) {
        return ofRun(runId).get(metric);
    }

    /** Every metric of a run as {@code <step>.<metric>} to value. */
    public Map<String, Double> ofRun(long id) {
        Map<String, Double> out = new LinkedHashMap<>();
        history.metricsOfRun(id).forEach(m -> out.put(m.fullName(), m.value()));
        return out;
    }

    /** The named baseline, or null when there is none. */
    public RunHistory.Baseline baseline(String name) {
        return history.baseline(name).orElse(null);
    }

    private static String[] split(String metric) {
        int dot = metric.indexOf('.');
        if (dot <= 0 || dot == metric.length() - 1) {
            throw new IllegalArgumentException("metric '" + metric + "' must be written <step>.<metric>, e.g. load.latency.p99");
        }
        return new String[] {metric.substring(0, dot), metric.substring(dot + 1)};
    }
}
