package io.perfplan.core.load;

import io.perfplan.core.stats.Threshold;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.StringJoiner;

/**
 * A condition over load-test metrics, such as {@code latency.p99 < 200ms} or
 * {@code latency.p99 > 200ms or error_rate > 1%}: the {@link Threshold} language of the validate
 * action, with the metrics of {@link LoadStats#value(String)} named without a step. Latencies are
 * stored in ms, {@code error_rate} in %, {@code throughput} in /s and bytes in B; limits are
 * converted from the unit written. A metric without a value (no responses yet) satisfies no
 * comparison.
 */
public final class MetricCondition {

    private final String text;
    private final Threshold threshold;

    private MetricCondition(String text, Threshold threshold) {
        this.text = text;
        this.threshold = threshold;
    }

    /** Parses the condition; throws {@link IllegalArgumentException} with a message saying what is wrong. */
    public static MetricCondition parse(String text) {
        Threshold t = Threshold.parseLocal(text);
        t.metrics().forEach(LoadStats::checkMetricName);
        // evaluating once against placeholder values checks every limit's unit against its metric
        t.evaluate(metric -> Optional.of(new Threshold.Measurement(0, unit(metric))));
        return new MetricCondition(text.trim(), t);
    }

    /** True when the condition holds for the stats. */
    public boolean test(LoadStats stats) {
        return threshold.evaluate(metric -> Optional.of(measure(stats, metric))).passed();
    }

    /** The values the condition looked at, e.g. {@code latency.p99=12.5ms error_rate=0%}, for messages. */
    public String describe(LoadStats stats) {
        StringJoiner b = new StringJoiner(" ");
        for (String metric : threshold.metrics()) {
            OptionalDouble v = stats.value(metric);
            b.add(metric + "=" + (v.isPresent() ? String.format(Locale.ROOT, "%.4g", v.getAsDouble()) + unit(metric) : "none"));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return text;
    }

    private static Threshold.Measurement measure(LoadStats stats, String metric) {
        return new Threshold.Measurement(stats.value(metric).orElse(Double.NaN), unit(metric));
    }

    /** The unit {@link LoadStats#value(String)} gives the metric in. */
    private static String unit(String metric) {
        if (LoadStats.isTimeMetric(metric)) {
            return "ms";
        }
        return switch (metric) {
            case "error_rate" -> "%";
            case "throughput" -> "/s";
            case "bytes.in", "bytes.out" -> "B";
            default -> "";
        };
    }
}
