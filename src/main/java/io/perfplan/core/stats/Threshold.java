package io.perfplan.core.stats;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * A pass/fail condition on named metrics, as written in a plan:
 * {@code "<step>.<metric> <op> <value><unit>"} with {@code < <= > >= == !=}, joined by {@code and}
 * and {@code or} ({@code and} binds tighter; parentheses group), e.g.
 * {@code "load.latency.p99 < 250ms and load.error_rate < 0.5%"}.
 *
 * <p>Limits may carry a unit ({@link QuantityUnit}: ns/us/ms/s/min/h, B/KB/MB/GB/KiB/MiB/GiB, %, /s,
 * x); when evaluated, each limit is converted to the unit the metric is stored in. A limit without
 * a unit is only accepted for metrics that are plain counts or ratios, so {@code wall < 500} (500
 * what?) is an error rather than a guess. {@code ==} and {@code !=} compare with a relative
 * tolerance of 1e-9, so {@code 1s == 1000ms} holds.
 */
public sealed interface Threshold permits Threshold.Comparison, Threshold.All, Threshold.Any {

    /** How a comparison compares observed with limit. */
    enum Operator {
        LESS("<"), LESS_OR_EQUAL("<="), GREATER(">"), GREATER_OR_EQUAL(">="), EQUAL("=="), NOT_EQUAL("!=");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        /** Whether {@code observed op limit} holds; a missing value ({@code NaN}) satisfies no comparison. */
        public boolean holds(double observed, double limit) {
            if (Double.isNaN(observed)) {
                return false;
            }
            boolean equal = observed == limit
                    || Math.abs(observed - limit) <= 1e-9 * Math.max(Math.abs(observed), Math.abs(limit));
            return switch (this) {
                case LESS -> observed < limit && !equal;
                case LESS_OR_EQUAL -> observed < limit || equal;
                case GREATER -> observed > limit && !equal;
                case GREATER_OR_EQUAL -> observed > limit || equal;
                case EQUAL -> equal;
                case NOT_EQUAL -> !equal;
            };
        }
    }

    /**
     * One metric compared with a limit.
     *
     * @param metric the metric's full name, {@code <step>.<metric>}
     * @param operator how to compare
     * @param limit the limit as written, in {@code unit}
     * @param unit the limit's unit, empty when written without one
     */
    record Comparison(String metric, Operator operator, double limit, Optional<QuantityUnit> unit) implements Threshold {
        @Override
        public String toString() {
            return metric + " " + operator.symbol() + " " + number(limit) + unit.map(QuantityUnit::symbol).orElse("");
        }
    }

    /** Every part must hold ({@code and}). */
    record All(List<Threshold> parts) implements Threshold {
        public All {
            parts = List.copyOf(parts);
        }

        @Override
        public String toString() {
            return join(parts, " and ");
        }
    }

    /** At least one part must hold ({@code or}). */
    record Any(List<Threshold> parts) implements Threshold {
        public Any {
            parts = List.copyOf(parts);
        }

        @Override
        public String toString() {
            return join(parts, " or ");
        }
    }

    /** A metric's value and the unit it is stored in ({@code ms}, {@code B}, {@code %}, {@code /s}, {@code count}, ...). */
    record Measurement(double value, String unit) {}

    /**
     * The outcome of one comparison, in the metric's own unit.
     *
     * @param observed the metric's value
     * @param limit the limit converted to the metric's unit
     * @param unit the metric's unit symbol
     */
    record ComparisonResult(Comparison comparison, double observed, double limit, String unit, boolean passed) {}

    /** The outcome of a whole threshold: whether it held, and each comparison it made, in written order. */
    record Evaluation(Threshold threshold, boolean passed, List<ComparisonResult> comparisons) {
        public Evaluation {
            comparisons = List.copyOf(comparisons);
        }
    }

    /**
     * Parses a threshold.
     *
     * @throws IllegalArgumentException with one sentence naming the column and what was expected
     */
    static Threshold parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the threshold is empty; write e.g. \"load.latency.p99 < 250ms\"");
        }
        return new ThresholdParser(text, true).parse();
    }

    /**
     * Parses a threshold over one step's own metrics, named without the step: {@code latency.p99 < 250ms}.
     *
     * @throws IllegalArgumentException with one sentence naming the column and what was expected
     */
    static Threshold parseLocal(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the condition is empty; write e.g. \"latency.p99 < 250ms\"");
        }
        return new ThresholdParser(text, false).parse();
    }

    /** The metric names this threshold reads, in order of first use. */
    default List<String> metrics() {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        comparisons().forEach(c -> names.add(c.metric()));
        return List.copyOf(names);
    }

    /** Every comparison in written order. */
    default List<Comparison> comparisons() {
        List<Comparison> out = new ArrayList<>();
        collect(this, out);
        return out;
    }

    /**
     * Evaluates every comparison (no short-circuit, so each observed value is reported).
     *
     * @param metrics looks a metric up by its full name
     * @throws IllegalArgumentException when a metric is missing, or a limit's unit does not fit the
     *     metric's unit (a size limit on a time, or no unit on a time)
     */
    default Evaluation evaluate(Function<String, Optional<Measurement>> metrics) {
        List<ComparisonResult> results = new ArrayList<>();
        boolean passed = evaluate(this, metrics, results);
        return new Evaluation(this, passed, results);
    }

    private static boolean evaluate(Threshold t, Function<String, Optional<Measurement>> metrics, List<ComparisonResult> out) {
        if (t instanceof Comparison c) {
            Measurement m = metrics.apply(c.metric()).orElseThrow(() -> new IllegalArgumentException(
                    "there is no metric '" + c.metric() + "'"));
            double limit = limitIn(c, m.unit());
            boolean passed = c.operator().holds(m.value(), limit);
            out.add(new ComparisonResult(c, m.value(), limit, m.unit() == null ? "" : m.unit(), passed));
            return passed;
        }
        boolean all = t instanceof All;
        List<Threshold> parts = all ? ((All) t).parts() : ((Any) t).parts();
        boolean result = all;
        for (Threshold p : parts) {
            boolean r = evaluate(p, metrics, out);
            result = all ? result && r : result || r;
        }
        return result;
    }

    /** The limit of {@code c} in the metric's stored unit. */
    private static double limitIn(Comparison c, String metricUnit) {
        Optional<QuantityUnit> stored = QuantityUnit.fromSymbol(metricUnit);
        String shown = metricUnit == null || metricUnit.isEmpty() ? "count" : metricUnit;
        if (c.unit().isEmpty()) {
            if (stored.isEmpty() || stored.get().dimension() == QuantityUnit.Dimension.COUNT
                    || stored.get().dimension() == QuantityUnit.Dimension.RATIO) {
                return c.limit();
            }
            return failUnit(c, c.metric() + " is stored in " + shown + "; give the limit a unit, e.g. "
                    + number(c.limit()) + stored.get().symbol());
        }
        QuantityUnit written = c.unit().get();
        if (stored.isEmpty()) {
            return failUnit(c, c.metric() + " is stored in '" + shown + "', which perfplan cannot convert; write the limit without a unit");
        }
        if (stored.get().dimension() != written.dimension()) {
            return failUnit(c, c.metric() + " is " + stored.get().dimension().description() + " (" + shown + ") but "
                    + number(c.limit()) + written.symbol() + " is " + written.dimension().description());
        }
        return written.convert(c.limit(), stored.get());
    }

    private static double failUnit(Comparison c, String why) {
        throw new IllegalArgumentException("'" + c + "': " + why);
    }

    private static void collect(Threshold t, List<Comparison> out) {
        if (t instanceof Comparison c) {
            out.add(c);
        } else if (t instanceof All a) {
            a.parts().forEach(p -> collect(p, out));
        } else if (t instanceof Any o) {
            o.parts().forEach(p -> collect(p, out));
        }
    }

    private static String join(List<Threshold> parts, String separator) {
        StringBuilder b = new StringBuilder();
        for (Threshold p : parts) {
            if (!b.isEmpty()) {
                b.append(separator);
            }
            boolean group = p instanceof Any && separator.equals(" and ");
            b.append(group ? "(" : "").append(p).append(group ? ")" : "");
        }
        return b.toString();
    }

    /** A limit as written: no trailing ".0", no exponent for ordinary sizes. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%s", java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString());
    }
}
