package io.perfplan.actions.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.perfplan.core.stats.Threshold;
import io.perfplan.plan.Percent;
import java.util.ArrayList;
import java.util.List;

/** Inputs of the {@code validate} action: thresholds, a regression gate against a baseline, a change-point check. */
public record ValidateInputs(
        @JsonPropertyDescription("Conditions on metrics of earlier steps of this run, e.g. \"load.latency.p99 < 250ms\" or "
                + "\"bench.wall < 2s and bench.cpu < 1500ms\": <step>.<metric> <op> <value><unit> with < <= > >= == !=, "
                + "units ns/us/ms/s/min/h, B/KB/MB/GB/KiB/MiB/GiB, %, /s, x; joined with and/or.")
        List<String> thresholds,
        @JsonPropertyDescription("Compare metrics of this run with a stored baseline using a statistical test: {baseline (default: the plan's name), "
                + "metrics (required), tolerance (5%), alpha (0.01), min_samples (10), on_no_data (fail|pass|inconclusive, default "
                + "inconclusive), window (20 passed runs)}. Samples on both sides: Mann-Whitney U plus a bootstrap interval; "
                + "single values: a prediction interval over the window.")
        Regression regression,
        @JsonPropertyDescription("Look for a change point (a lasting shift of level) among the newest runs of each metric's history: {metrics "
                + "(default: the regression's), window (50 runs), pvalue (0.001), min_magnitude (0%)}. A shift for the worse fails.")
        History history,
        @JsonPropertyDescription("When this run becomes the baseline: never, on_pass (default: when no check failed and no test was "
                + "inconclusive) or always. A pinned baseline is never moved by a run.")
        UpdateBaseline updateBaseline,
        @JsonPropertyDescription("Fail the step when a check fails. With false the step reports the checks and passes. Default true.")
        Boolean fail) {

    public ValidateInputs {
        thresholds = thresholds == null ? List.of() : List.copyOf(thresholds);
        updateBaseline = updateBaseline == null ? UpdateBaseline.ON_PASS : updateBaseline;
        fail = fail == null || fail;
        if (thresholds.isEmpty() && regression == null && history == null) {
            throw new IllegalArgumentException("validate has nothing to check; give thresholds, regression or history");
        }
        for (int i = 0; i < thresholds.size(); i++) {
            try {
                Threshold.parse(thresholds.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("thresholds[" + i + "]: " + e.getMessage());
            }
        }
        if (history != null && history.metrics().isEmpty() && regression == null) {
            throw new IllegalArgumentException("history needs `metrics` (or a regression block whose metrics it can use)");
        }
    }

    /** The thresholds, parsed (they were checked when the inputs were bound). */
    public List<Threshold> parsedThresholds() {
        List<Threshold> out = new ArrayList<>();
        thresholds.forEach(t -> out.add(Threshold.parse(t)));
        return out;
    }

    /** The metrics the change-point check looks at: its own, else the regression's. */
    public List<String> historyMetrics() {
        if (history == null) {
            return List.of();
        }
        return history.metrics().isEmpty() ? regression.metrics() : history.metrics();
    }

    /** When this run becomes the baseline. */
    public enum UpdateBaseline {
        @JsonProperty("never") NEVER,
        @JsonProperty("on_pass") ON_PASS,
        @JsonProperty("always") ALWAYS
    }

    /** What a regression check without enough data counts as. */
    public enum OnNoData {
        @JsonProperty("fail") FAIL,
        @JsonProperty("pass") PASS,
        @JsonProperty("inconclusive") INCONCLUSIVE
    }

    /** A regression gate against a named baseline. */
    public record Regression(
            @JsonPropertyDescription("Name of the baseline to compare with. Default: the plan's name.")
            String baseline,
            @JsonProperty(required = true)
            @JsonPropertyDescription("Metrics to gate, as <step>.<metric>, e.g. [load.latency.p99, bench.wall]. "
                    + "Whether higher or lower is worse comes from the metric.")
            List<String> metrics,
            @JsonPropertyDescription("The smallest change worth failing on, e.g. 5%. Default 5%.")
            Percent tolerance,
            @JsonPropertyDescription("Significance level of the one-sided test, Holm-adjusted across the gated metrics. Default 0.01.")
            Double alpha,
            @JsonPropertyDescription("Fewest samples on each side, or runs in the baseline window for single values, "
                    + "before a test is made. Default 10.")
            Integer minSamples,
            @JsonPropertyDescription("What a metric without enough data counts as: fail, pass or inconclusive (default; does not fail the step).")
            OnNoData onNoData,
            @JsonPropertyDescription("How many passed runs (since the last change point) a rolling baseline window holds "
                    + "for metrics without samples. Default 20.")
            Integer window) {

        public Regression {
            if (metrics == null || metrics.isEmpty()) {
                throw new IllegalArgumentException("regression.metrics is empty; list metrics such as [load.latency.p99]");
            }
            metrics = List.copyOf(metrics);
            for (String m : metrics) {
                requireReference("regression.metrics", m);
            }
            tolerance = tolerance == null ? new Percent(5) : tolerance;
            if (tolerance.value() < 0 || tolerance.value() >= 100) {
                throw new IllegalArgumentException("regression.tolerance " + tolerance + " must be from 0% up to 100%, e.g. 5%");
            }
            alpha = alpha == null ? 0.01 : alpha;
            if (!(alpha > 0 && alpha < 0.5)) {
                throw new IllegalArgumentException("regression.alpha " + alpha + " must lie between 0 and 0.5, e.g. 0.01");
            }
            minSamples = minSamples == null ? 10 : minSamples;
            if (minSamples < 2) {
                throw new IllegalArgumentException("regression.min_samples " + minSamples + " must be at least 2");
            }
            onNoData = onNoData == null ? OnNoData.INCONCLUSIVE : onNoData;
            window = window == null ? 20 : window;
            if (window < 2) {
                throw new IllegalArgumentException("regression.window " + window + " must be at least 2 runs");
            }
        }
    }

    /** A change-point check over each metric's recent history. */
    public record History(
            @JsonPropertyDescription("Metrics to look at, as <step>.<metric>. Default: the regression's metrics.")
            List<String> metrics,
            @JsonPropertyDescription("How many recent runs (this one included) to search. Default 50, at least 8.")
            Integer window,
            @JsonPropertyDescription("Largest p-value of the permutation test for a change point to count. Default 0.001.")
            Double pvalue,
            @JsonPropertyDescription("Smallest relative shift of the mean to report, e.g. 5%. Default 0%.")
            Percent minMagnitude) {

        public History {
            metrics = metrics == null ? List.of() : List.copyOf(metrics);
            for (String m : metrics) {
                requireReference("history.metrics", m);
            }
            window = window == null ? 50 : window;
            if (window < 8) {
                throw new IllegalArgumentException("history.window " + window + " is too small; use at least 8 runs (50 is usual)");
            }
            pvalue = pvalue == null ? 0.001 : pvalue;
            if (!(pvalue > 0 && pvalue < 1)) {
                throw new IllegalArgumentException("history.pvalue " + pvalue + " must lie between 0 and 1, e.g. 0.001");
            }
            minMagnitude = minMagnitude == null ? new Percent(0) : minMagnitude;
            if (minMagnitude.value() < 0) {
                throw new IllegalArgumentException("history.min_magnitude " + minMagnitude + " must be 0% or more");
            }
        }
    }

    private static void requireReference(String where, String metric) {
        int dot = metric == null ? -1 : metric.indexOf('.');
        if (dot <= 0 || dot == metric.length() - 1) {
            throw new IllegalArgumentException(where + ": '" + metric + "' is not a metric reference; write <step>.<metric>, e.g. load.latency.p99");
        }
    }
}
