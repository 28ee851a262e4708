package io.perfplan.core.logs;

import io.perfplan.core.stats.Threshold;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Evaluates alert rules against the current values at each tick of an observation and answers the
 * alerts that fire. A rule whose metric is not (yet) available is not holding. Not thread-safe.
 */
public final class AlertEvaluator {

    private final List<AlertRule> rules;
    private final Instant[] holdingSince;
    private final boolean[] fired;

    public AlertEvaluator(List<AlertRule> rules) {
        this.rules = List.copyOf(rules);
        this.holdingSince = new Instant[rules.size()];
        this.fired = new boolean[rules.size()];
    }

    /**
     * Evaluates every rule at {@code now}.
     *
     * @param values current metric values by name
     * @return the alerts that fire at this tick
     * @throws IllegalArgumentException when a rule's limit has a unit that does not fit its metric
     */
    public List<Alert> evaluate(Instant now, Function<String, Optional<Threshold.Measurement>> values) {
        List<Alert> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            AlertRule rule = rules.get(i);
            boolean available = rule.when().metrics().stream().allMatch(m -> values.apply(m).isPresent());
            Threshold.Evaluation ev = available ? rule.when().evaluate(values) : null;
            if (ev == null || !ev.passed()) {
                holdingSince[i] = null;
                fired[i] = false;
                continue;
            }
            if (holdingSince[i] == null) {
                holdingSince[i] = now;
            }
            if (!fired[i] && Duration.between(holdingSince[i], now).compareTo(rule.holdFor()) >= 0) {
                fired[i] = true;
                String observed = ev.comparisons().stream()
                        .map(c -> c.comparison().metric() + " = " + String.format(Locale.ROOT, "%.4g", c.observed()) + c.unit())
                        .collect(Collectors.joining(", "));
                String held = rule.holdFor().isZero() ? "" : " for " + rule.holdFor().toMillis() / 1000.0 + " s";
                out.add(new Alert(rule.name(), rule.severity(), "alert '" + rule.name() + "' (" + rule.severity() + "): "
                        + rule.when() + " held" + held + " (" + observed + ")", now));
            }
        }
        return out;
    }

    /** Values in a map as measurements in the given units (for callers that keep values and units apart). */
    public static Function<String, Optional<Threshold.Measurement>> lookup(Map<String, Double> values, Map<String, String> units) {
        return name -> Optional.ofNullable(values.get(name)).map(v -> new Threshold.Measurement(v, units.getOrDefault(name, "")));
    }
}
