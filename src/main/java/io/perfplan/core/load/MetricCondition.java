package io.perfplan.core.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A condition over load-test metrics, such as {@code latency.p99 < 200ms} or
 * {@code latency.p99 > 200ms or error_rate > 1%}: comparisons joined by {@code and}/{@code or}
 * ({@code and} binds tighter, no parentheses). Durations are compared in milliseconds (a bare number
 * after a latency metric is milliseconds), {@code error_rate} in percent, {@code throughput} in
 * requests per second. Metric names are those of {@link LoadStats#value(String)}.
 */
public final class MetricCondition {

    private static final Pattern COMPARISON = Pattern.compile(
            "\\s*([a-z_]+(?:\\.[a-z0-9_.]+)?)\\s*(<=|>=|==|!=|<|>)\\s*(-?\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|%|/s)?\\s*");

    private final String text;
    private final List<List<Comparison>> anyOfAll;

    private MetricCondition(String text, List<List<Comparison>> anyOfAll) {
        this.text = text;
        this.anyOfAll = anyOfAll;
    }

    /** Parses the condition; throws {@link IllegalArgumentException} with a message saying what is wrong. */
    public static MetricCondition parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a condition is empty; write e.g. latency.p99 < 200ms");
        }
        List<List<Comparison>> ors = new ArrayList<>();
        for (String orPart : text.split("(?i)\\s+or\\s+|\\s*\\|\\|\\s*")) {
            List<Comparison> ands = new ArrayList<>();
            for (String andPart : orPart.split("(?i)\\s+and\\s+|\\s*&&\\s*")) {
                ands.add(Comparison.parse(andPart, text));
            }
            ors.add(List.copyOf(ands));
        }
        return new MetricCondition(text.trim(), List.copyOf(ors));
    }

    /** True when the condition holds for the stats. A metric without a value (no responses yet) makes its comparison false. */
    public boolean test(LoadStats stats) {
        for (List<Comparison> all : anyOfAll) {
            boolean ok = true;
            for (Comparison c : all) {
                ok &= c.test(stats);
            }
            if (ok) {
                return true;
            }
        }
        return false;
    }

    /** The values the condition looked at, e.g. {@code latency.p99=12.5ms error_rate=0%}, for messages. */
    public String describe(LoadStats stats) {
        StringBuilder b = new StringBuilder();
        for (List<Comparison> all : anyOfAll) {
            for (Comparison c : all) {
                OptionalDouble v = stats.value(c.metric);
                b.append(b.length() == 0 ? "" : " ").append(c.metric).append('=')
                        .append(v.isPresent() ? String.format(Locale.ROOT, "%.4g", v.getAsDouble()) : "none");
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return text;
    }

    private record Comparison(String metric, String op, double value) {

        static Comparison parse(String part, String whole) {
            Matcher m = COMPARISON.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + whole + "' is not a condition; write e.g. \"latency.p99 < 200ms\" or \"error_rate < 1%\", joined by and/or");
            }
            String metric = m.group(1);
            LoadStats.checkMetricName(metric);
            double v = Double.parseDouble(m.group(3));
            String unit = m.group(4);
            boolean timeMetric = LoadStats.isTimeMetric(metric);
            if (unit != null && !unit.equals("%") && !unit.equals("/s")) {
                if (!timeMetric) {
                    throw new IllegalArgumentException("'" + part.trim() + "' compares " + metric + " with a duration; only latency, service_time and send_lag take durations");
                }
                v *= switch (unit) {
                    case "ns" -> 1e-6;
                    case "us", "µs" -> 1e-3;
                    case "ms" -> 1;
                    case "s" -> 1e3;
                    default -> 60e3;
                };
            } else if ("%".equals(unit) && !metric.equals("error_rate")) {
                throw new IllegalArgumentException("'" + part.trim() + "' uses % but only error_rate is a percentage");
            }
            return new Comparison(metric, m.group(2), v);
        }

        boolean test(LoadStats stats) {
            OptionalDouble actual = stats.value(metric);
            if (actual.isEmpty()) {
                return false;
            }
            double a = actual.getAsDouble();
            return switch (op) {
                case "<" -> a < value;
                case "<=" -> a <= value;
                case ">" -> a > value;
                case ">=" -> a >= value;
                case "==" -> a == value;
                default -> a != value;
            };
        }
    }
}
