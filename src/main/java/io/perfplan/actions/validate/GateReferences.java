package io.perfplan.actions.validate;

import io.perfplan.core.stats.Threshold;
import io.perfplan.engine.Action;
import io.perfplan.engine.ActionRegistry;
import io.perfplan.engine.Direction;
import io.perfplan.engine.MetricSpec;
import io.perfplan.plan.Plan;
import io.perfplan.plan.Problem;
import io.perfplan.plan.Step;
import io.perfplan.plan.Suggestions;
import io.perfplan.plan.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks, before a plan runs, the metrics its {@code validate} steps name: that the step exists and
 * runs earlier, that its action publishes such a metric (by the metrics its spec declares), that a
 * threshold's unit fits the metric's unit, and that a gated metric has a better direction. Each
 * problem is reported at the line and column of the reference, with a suggestion. References
 * holding an expression, and steps whose action declares no metrics, are checked when the plan runs.
 */
public final class GateReferences {

    private GateReferences() {}

    public static List<Problem> check(Plan plan, ActionRegistry actions) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Step> earlier = new LinkedHashMap<>();
        Map<String, Step> all = new LinkedHashMap<>();
        plan.allSteps().forEach(s -> all.put(s.id(), s));
        for (Step s : plan.allSteps()) {
            if (s.action().equals("validate")) {
                checkStep(plan, s, earlier, all, actions, problems);
            }
            earlier.put(s.id(), s);
        }
        return problems;
    }

    private static void checkStep(Plan plan, Step s, Map<String, Step> earlier, Map<String, Step> all,
                                  ActionRegistry actions, List<Problem> problems) {
        String with = s.path() + ".with";
        List<?> thresholds = list(s.with().get("thresholds"));
        for (int i = 0; i < thresholds.size(); i++) {
            if (!(thresholds.get(i) instanceof String text) || Template.hasExpression(text)) {
                continue;
            }
            Threshold t;
            try {
                t = Threshold.parse(text);
            } catch (IllegalArgumentException e) {
                continue; // reported with the step's inputs
            }
            String path = with + ".thresholds[" + i + "]";
            Map<String, MetricSpec> specs = new LinkedHashMap<>();
            boolean known = true;
            for (String metric : t.metrics()) {
                Optional<MetricSpec> spec = resolve(plan, metric, path, "threshold \"" + text + "\"", earlier, all, actions, problems);
                if (spec.isPresent()) {
                    specs.put(metric, spec.get());
                } else {
                    known = false;
                }
            }
            if (known) {
                try {
                    t.evaluate(name -> Optional.of(new Threshold.Measurement(0, specs.get(name).unit().symbol())));
                } catch (IllegalArgumentException e) {
                    problems.add(new Problem(plan.file(), plan.positions().of(path), "threshold " + e.getMessage()));
                }
            }
        }
        Map<?, ?> regression = s.with().get("regression") instanceof Map<?, ?> m ? m : Map.of();
        List<?> gated = list(regression.get("metrics"));
        for (int i = 0; i < gated.size(); i++) {
            if (gated.get(i) instanceof String metric && !Template.hasExpression(metric) && metric.indexOf('.') > 0) {
                String path = with + ".regression.metrics[" + i + "]";
                resolve(plan, metric, path, "regression metric", earlier, all, actions, problems)
                        .filter(spec -> spec.direction() == Direction.NEUTRAL)
                        .ifPresent(spec -> problems.add(new Problem(plan.file(), plan.positions().of(path), "regression metric '"
                                + metric + "' has no better direction (neither lower nor higher is better), so it cannot regress; "
                                + "gate it with a threshold instead")));
            }
        }
        Map<?, ?> history = s.with().get("history") instanceof Map<?, ?> m ? m : Map.of();
        List<?> watched = list(history.get("metrics"));
        for (int i = 0; i < watched.size(); i++) {
            if (watched.get(i) instanceof String metric && !Template.hasExpression(metric) && metric.indexOf('.') > 0) {
                resolve(plan, metric, with + ".history.metrics[" + i + "]", "history metric", earlier, all, actions, problems);
            }
        }
    }

    /** The spec of {@code <step>.<metric>}, or empty after reporting why not (or when the action declares no metrics). */
    private static Optional<MetricSpec> resolve(Plan plan, String reference, String path, String where, Map<String, Step> earlier,
                                                Map<String, Step> all, ActionRegistry actions, List<Problem> problems) {
        String stepId = reference.substring(0, reference.indexOf('.'));
        String name = reference.substring(stepId.length() + 1);
        Step step = earlier.get(stepId);
        if (step == null) {
            String why = all.containsKey(stepId) ? "step '" + stepId + "' runs after this one, so its metrics are not there yet"
                    : "there is no step '" + stepId + "'" + Suggestions.didYouMean(stepId, earlier.keySet())
                    + (earlier.isEmpty() ? "" : "; earlier steps: " + String.join(", ", earlier.keySet()));
            problems.add(new Problem(plan.file(), plan.positions().of(path), where + ": " + why));
            return Optional.empty();
        }
        List<MetricSpec> specs = actions.get(step.action()).map(Action::spec).map(a -> a.metrics()).orElse(List.of());
        if (specs.isEmpty()) {
            return Optional.empty();
        }
        for (MetricSpec spec : specs) {
            String n = spec.name();
            if (n.equals(name) || (n.endsWith(".*") && name.startsWith(n.substring(0, n.length() - 1)))) {
                return Optional.of(spec);
            }
        }
        List<String> names = specs.stream().map(MetricSpec::name).toList();
        problems.add(new Problem(plan.file(), plan.positions().of(path), where + ": step '" + stepId + "' (" + step.action()
                + ") publishes no metric '" + name + "'" + Suggestions.didYouMean(name, names) + "; it publishes: "
                + String.join(", ", names)));
        return Optional.empty();
    }

    private static List<?> list(Object value) {
        if (value instanceof List<?> l) {
            return l;
        }
        return value instanceof String ? List.of(value) : List.of();
    }
}
