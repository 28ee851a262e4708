package io.perfplan.report;

import io.perfplan.core.stats.Alternative;
import io.perfplan.core.stats.GateSettings;
import io.perfplan.core.stats.MannWhitney;
import io.perfplan.core.stats.MetricDirection;
import io.perfplan.core.stats.RegressionGate;
import io.perfplan.core.stats.RegressionResult;
import io.perfplan.store.RunRepository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every metric two runs share, side by side: run A is the reference, run B the candidate. Where
 * both runs stored samples of a metric (per-second latencies, per-run wall times), a two-sided
 * Mann-Whitney U test says whether the samples differ, and the regression gate (tolerance 0,
 * alpha {@value #ALPHA}) says whether B is significantly worse in the metric's stored direction.
 */
public final class RunComparison {

    /** Significance level of the tests. */
    public static final double ALPHA = 0.01;
    /** Fewest samples on each side to test at all. */
    public static final int MIN_SAMPLES = 5;

    private static final java.util.Set<String> STATISTICS = java.util.Set.of("mean", "median", "min", "max", "stddev");

    private RunComparison() {}

    /**
     * One shared metric.
     *
     * @param change {@code b / a - 1}; NaN when a is 0
     * @param assessment {@code better}, {@code worse} or {@code same} by the stored direction;
     *     {@code changed} for a metric without a direction
     * @param samplesA samples of run A used for the test, 0 when none
     * @param pValue two-sided Mann-Whitney p-value of the samples, NaN without samples on both sides
     * @param significant whether {@code pValue < ALPHA}; null without a test
     * @param regression the regression gate's verdict of B against A (pass, fail, inconclusive, no_data),
     *     null without samples or without a direction
     */
    public record MetricChange(String metric, String unit, String direction, double a, double b, double change,
                               String assessment, int samplesA, int samplesB, double pValue, Boolean significant,
                               String regression) {

        /** The JSON shape {@code perfplan compare --json} prints. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("metric", metric);
            m.put("unit", unit);
            m.put("direction", direction);
            m.put("a", a);
            m.put("b", b);
            m.put("change", Double.isFinite(change) ? change : null);
            m.put("assessment", assessment);
            m.put("samples_a", samplesA);
            m.put("samples_b", samplesB);
            m.put("p_value", Double.isNaN(pValue) ? null : pValue);
            m.put("significant", significant);
            m.put("regression", regression);
            return m;
        }
    }

    /** Compares the metrics of run {@code a} (reference) and run {@code b}; ordered by step and name. */
    public static List<MetricChange> compare(RunRepository runs, long a, long b) {
        Map<String, RunRepository.MetricRow> left = byName(runs.metrics(a));
        Map<String, RunRepository.MetricRow> right = byName(runs.metrics(b));
        List<RunRepository.SampleRow> samplesA = runs.samples(a);
        List<RunRepository.SampleRow> samplesB = runs.samples(b);
        List<MetricChange> out = new ArrayList<>();
        for (Map.Entry<String, RunRepository.MetricRow> e : left.entrySet()) {
            RunRepository.MetricRow ma = e.getValue();
            RunRepository.MetricRow mb = right.get(e.getKey());
            if (mb == null) {
                continue;
            }
            out.add(change(e.getKey(), ma, mb, samplesFor(ma, samplesA), samplesFor(mb, samplesB)));
        }
        return out;
    }

    private static MetricChange change(String name, RunRepository.MetricRow ma, RunRepository.MetricRow mb,
                                       Optional<RunRepository.SampleRow> sa, Optional<RunRepository.SampleRow> sb) {
        String direction = ma.direction() == null ? "neutral" : ma.direction().toLowerCase(Locale.ROOT);
        double change = ma.value() == 0 ? (mb.value() == 0 ? 0 : Double.NaN) : mb.value() / ma.value() - 1;
        String assessment;
        if (mb.value() == ma.value()) {
            assessment = "same";
        } else if (direction.equals("lower_is_better")) {
            assessment = mb.value() < ma.value() ? "better" : "worse";
        } else if (direction.equals("higher_is_better")) {
            assessment = mb.value() > ma.value() ? "better" : "worse";
        } else {
            assessment = "changed";
        }
        double[] x = sa.map(RunRepository.SampleRow::values).orElse(new double[0]);
        double[] y = sb.map(RunRepository.SampleRow::values).orElse(new double[0]);
        boolean sameUnit = sa.isPresent() && sb.isPresent() && sa.get().unit().equals(sb.get().unit());
        double p = Double.NaN;
        Boolean significant = null;
        String regression = null;
        if (sameUnit && finiteCount(x) >= MIN_SAMPLES && finiteCount(y) >= MIN_SAMPLES) {
            p = MannWhitney.test(finite(y), finite(x), Alternative.TWO_SIDED).pValue();
            significant = p < ALPHA;
            MetricDirection d = direction.equals("lower_is_better") ? MetricDirection.LOWER_IS_BETTER
                    : direction.equals("higher_is_better") ? MetricDirection.HIGHER_IS_BETTER : null;
            if (d != null && nonNegative(x) && nonNegative(y)) {
                RegressionResult r = RegressionGate.compareSamples(finite(x), finite(y),
                        GateSettings.of(d, 0, ALPHA, MIN_SAMPLES, 1));
                regression = r.verdict().name().toLowerCase(Locale.ROOT);
            }
        }
        return new MetricChange(name, ma.unit(), direction, ma.value(), mb.value(), change, assessment,
                sameUnit ? x.length : 0, sameUnit ? y.length : 0, p, significant, regression);
    }

    private static Map<String, RunRepository.MetricRow> byName(List<RunRepository.MetricRow> rows) {
        Map<String, RunRepository.MetricRow> m = new LinkedHashMap<>();
        rows.forEach(r -> m.put(r.stepId() + "." + r.name(), r));
        return m;
    }

    /**
     * Samples of a metric: the set of the same name, else of its parent when the metric is a statistic
     * of it ({@code wall} for {@code wall.median}); {@code errors.status} is not a statistic of the
     * per-second {@code errors} counts, so it has none.
     */
    static Optional<RunRepository.SampleRow> samplesFor(RunRepository.MetricRow m, List<RunRepository.SampleRow> sets) {
        Optional<RunRepository.SampleRow> exact = sets.stream()
                .filter(s -> s.stepId().equals(m.stepId()) && s.name().equals(m.name()) && s.values().length > 0).findFirst();
        int dot = m.name().lastIndexOf('.');
        if (exact.isPresent() || dot < 0 || !STATISTICS.contains(m.name().substring(dot + 1))) {
            return exact;
        }
        String parent = m.name().substring(0, dot);
        return sets.stream().filter(s -> s.stepId().equals(m.stepId()) && s.name().equals(parent) && s.values().length > 0).findFirst();
    }

    private static int finiteCount(double[] v) {
        int n = 0;
        for (double d : v) {
            if (Double.isFinite(d)) {
                n++;
            }
        }
        return n;
    }

    private static double[] finite(double[] v) {
        return java.util.Arrays.stream(v).filter(Double::isFinite).toArray();
    }

    private static boolean nonNegative(double[] v) {
        return java.util.Arrays.stream(v).filter(Double::isFinite).allMatch(d -> d >= 0);
    }
}
