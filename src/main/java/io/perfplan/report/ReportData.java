package io.perfplan.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.perfplan.store.BaselineRepository;
import io.perfplan.store.HistoryRepository;
import io.perfplan.store.RunRepository;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Everything the HTML report of one run shows, read from the store: the run and its steps, metrics,
 * samples, latency spectra decoded from the stored histograms, the checks of its validate steps,
 * and the recent history of the metrics those checks gated, with the baseline run they compared with.
 */
public record ReportData(RunRepository.RunRow run, List<RunRepository.StepRow> steps, List<RunRepository.MetricRow> metrics,
                         List<RunRepository.SampleRow> samples, List<Spectrum> spectra, List<Map<String, Object>> checks,
                         List<Trend> trends, int trendRuns) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COMPARED = Pattern.compile(" vs baseline (\\S+) \\(run (\\d+)");
    private static final Pattern METRIC = Pattern.compile("^([a-z0-9][a-z0-9_-]*)\\.([A-Za-z0-9_.]*[A-Za-z0-9_])");

    /**
     * The latency distribution of one stored histogram, as a percentile spectrum.
     *
     * @param percentiles percentile levels (0 to 100, exclusive of 100)
     * @param valuesMillis the latency at each level, in milliseconds
     * @param maxMillis the largest recorded latency
     * @param count the recorded values
     */
    public record Spectrum(String stepId, String name, double[] percentiles, double[] valuesMillis, double maxMillis, long count) {}

    /** A gated metric over the newest runs of the plan, oldest first; {@code baselineRunId} is null when unknown. */
    public record Trend(String metric, String unit, List<HistoryRepository.PointRow> points, Long baselineRunId, String baselineName) {}

    /** Reads what the report of run {@code runId} shows; {@code trendRuns} bounds each trend. */
    public static Optional<ReportData> load(RunRepository runs, long runId, int trendRuns) {
        Optional<RunRepository.RunRow> run = runs.run(runId);
        if (run.isEmpty()) {
            return Optional.empty();
        }
        List<RunRepository.StepRow> steps = runs.steps(runId);
        List<RunRepository.MetricRow> metrics = runs.metrics(runId);
        List<Map<String, Object>> checks = new ArrayList<>();
        Map<String, Long> baselineRuns = new LinkedHashMap<>();
        Map<String, String> baselineNames = new LinkedHashMap<>();
        for (RunRepository.StepRow s : lastAttempts(steps)) {
            if (!s.action().equals("validate") || s.outputs() == null) {
                continue;
            }
            Map<String, Object> outputs = parse(s.outputs());
            Object baseline = outputs.get("baseline");
            Long baselineRun = null;
            String baselineName = null;
            if (baseline instanceof Map<?, ?> b) {
                baselineRun = b.get("run_id") instanceof Number n ? n.longValue() : null;
                baselineName = b.get("name") == null ? null : b.get("name").toString();
            }
            if (outputs.get("checks") instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> m) {
                        Map<String, Object> check = new LinkedHashMap<>();
                        m.forEach((k, v) -> check.put(String.valueOf(k), v));
                        check.put("step", s.stepId());
                        checks.add(check);
                        String metric = gatedMetric(String.valueOf(check.get("check")), metrics);
                        if (metric != null) {
                            // a regression check names the run it compared with; the step's baseline output may
                            // already point at this run when the gate moved the baseline forward
                            Matcher compared = COMPARED.matcher(String.valueOf(check.get("check")));
                            if (compared.find()) {
                                baselineRuns.put(metric, Long.parseLong(compared.group(2)));
                                baselineNames.put(metric, compared.group(1));
                            } else {
                                baselineRuns.putIfAbsent(metric, baselineRun);
                                baselineNames.putIfAbsent(metric, baselineName);
                            }
                        }
                    }
                }
            }
        }
        BaselineRepository baselines = runs.baselines();
        List<Trend> trends = new ArrayList<>();
        for (Map.Entry<String, Long> e : baselineRuns.entrySet()) {
            String metric = e.getKey();
            int dot = metric.indexOf('.');
            List<HistoryRepository.PointRow> points = runs.metricHistory().series(run.get().plan(), metric.substring(0, dot),
                    metric.substring(dot + 1), runId + 1, List.of("passed", "failed"), trendRuns);
            if (points.stream().noneMatch(p -> p.runId() == runId)) {
                // the run itself may still be running or was cancelled: show its value anyway
                metrics.stream().filter(m -> (m.stepId() + "." + m.name()).equals(metric)).findFirst().ifPresent(m -> {
                    points.add(new HistoryRepository.PointRow(runId, run.get().startedAt(), run.get().status(), m.value(), m.unit(), m.direction()));
                    if (points.size() > trendRuns) {
                        points.remove(0);
                    }
                });
            }
            Long baselineRun = e.getValue();
            String name = baselineNames.get(metric);
            if (baselineRun == null && name != null) {
                baselineRun = baselines.find(name).map(BaselineRepository.BaselineRow::runId).orElse(null);
            }
            String unit = points.isEmpty() ? "" : points.get(points.size() - 1).unit();
            trends.add(new Trend(metric, unit, points, baselineRun, name));
        }
        return Optional.of(new ReportData(run.get(), steps, metrics, runs.samples(runId), spectra(runs.histograms(runId)),
                checks, trends, trendRuns));
    }

    /** The metric a check is about: its leading {@code <step>.<metric>} when this run stored it. */
    static String gatedMetric(String check, List<RunRepository.MetricRow> metrics) {
        Matcher m = METRIC.matcher(check);
        if (!m.find()) {
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        metrics.forEach(x -> names.add(x.stepId() + "." + x.name()));
        // the longest stored name that the check starts with ("load.latency.p99 < 250ms" -> load.latency.p99)
        String text = m.group(0);
        while (!names.contains(text)) {
            int dot = text.lastIndexOf('.');
            if (dot <= text.indexOf('.')) {
                return null;
            }
            text = text.substring(0, dot);
        }
        return text;
    }

    /** Each step's last attempt, in the order the steps first started. */
    static List<RunRepository.StepRow> lastAttempts(List<RunRepository.StepRow> steps) {
        Map<String, RunRepository.StepRow> last = new LinkedHashMap<>();
        for (RunRepository.StepRow s : steps) {
            last.put(s.stepId(), s);
        }
        return new ArrayList<>(last.values());
    }

    private static List<Spectrum> spectra(List<RunRepository.HistogramRow> rows) {
        List<Spectrum> out = new ArrayList<>();
        for (RunRepository.HistogramRow h : rows) {
            Histogram hist;
            try {
                hist = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(h.encoded()), 0);
            } catch (DataFormatException | RuntimeException e) {
                continue; // not an HdrHistogram this report can read; the tables still show the metrics
            }
            if (hist.getTotalCount() == 0) {
                continue;
            }
            List<double[]> points = new ArrayList<>();
            for (HistogramIterationValue v : hist.percentiles(5)) {
                double level = v.getPercentileLevelIteratedTo();
                if (level >= 100) {
                    break;
                }
                points.add(new double[] {level, hist.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0});
            }
            double[] levels = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] values = points.stream().mapToDouble(p -> p[1]).toArray();
            out.add(new Spectrum(h.stepId(), h.name(), levels, values, hist.getMaxValue() / 1000.0, hist.getTotalCount()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        try {
            Object o = JSON.readValue(json, Object.class);
            return o instanceof Map<?, ?> ? (Map<String, Object>) o : Map.of();
        } catch (java.io.IOException e) {
            return Map.of();
        }
    }
}
