package io.perfplan.cli;

import io.perfplan.core.stats.ChangePoint;
import io.perfplan.core.stats.ChangePoints;
import io.perfplan.store.HistoryRepository;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A metric over the finished runs of a plan, with its change points: a sparkline and a table. */
@Command(name = "trend", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Show a metric over the recent runs of a plan, with its change points (lasting shifts of level).")
public final class TrendCommand implements Callable<Integer> {

    private static final char[] BARS = barsForConsole();

    @Parameters(index = "0", paramLabel = "PLAN", description = "The plan's name.")
    String plan;

    @Parameters(index = "1", paramLabel = "METRIC", description = "The metric as <step>.<metric>, e.g. load.latency.p99.")
    String metric;

    @Option(names = "--last", paramLabel = "N", description = "The newest N finished runs (default 50).")
    int last = 50;

    @Option(names = "--pvalue", paramLabel = "P", description = "Largest p-value of a change point (default 0.001).")
    double pvalue = 0.001;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Mixin
    Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (last < 2) {
            throw new UsageException("--last must be at least 2 runs");
        }
        if (!(pvalue > 0 && pvalue < 1)) {
            throw new UsageException("--pvalue must lie between 0 and 1, e.g. 0.001");
        }
        int dot = metric.indexOf('.');
        if (dot <= 0 || dot == metric.length() - 1) {
            throw new UsageException("'" + metric + "' is not a metric; write <step>.<metric>, e.g. load.latency.p99");
        }
        String step = metric.substring(0, dot);
        String name = metric.substring(dot + 1);
        return common.withDatabase(spec, (db, out) -> {
            HistoryRepository history = db.runs().metricHistory();
            List<HistoryRepository.PointRow> points = history.series(plan, step, name, Long.MAX_VALUE, List.of("passed", "failed"), last);
            if (points.isEmpty()) {
                List<String> known = history.metricNames(plan).stream().map(HistoryRepository.MetricName::fullName).toList();
                if (known.isEmpty()) {
                    throw new UsageException("plan '" + plan + "' has no runs with metrics; see `perfplan history`");
                }
                throw new UsageException("plan '" + plan + "' has no metric '" + metric + "'"
                        + io.perfplan.plan.Suggestions.didYouMean(metric, known) + "; it has: " + String.join(", ", known));
            }
            double[] values = points.stream().mapToDouble(HistoryRepository.PointRow::value).toArray();
            int permutations = (int) Math.min(100_000, Math.max(999, Math.ceil(1 / pvalue) - 1));
            List<ChangePoint> changes = ChangePoints.find(values,
                    new ChangePoints.Settings(Math.max(8, Math.min(50, values.length)), pvalue, 0, permutations, 1));
            String unit = points.get(points.size() - 1).unit();
            if (json) {
                out.println(Json.write(json(points, changes, unit)));
            } else {
                print(out, points, changes, unit);
            }
            return ExitCode.OK;
        });
    }

    private Map<String, Object> json(List<HistoryRepository.PointRow> points, List<ChangePoint> changes, String unit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plan", plan);
        m.put("metric", metric);
        m.put("unit", unit);
        m.put("points", points.stream().map(p -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("run_id", p.runId());
            x.put("started_at", p.startedAt());
            x.put("status", p.status());
            x.put("value", p.value());
            return x;
        }).toList());
        m.put("change_points", changes.stream().map(c -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("run_id", points.get(c.index()).runId());
            x.put("index", c.index());
            x.put("p_value", c.pValue());
            x.put("mean_before", c.meanBefore());
            x.put("mean_after", c.meanAfter());
            x.put("change", Double.isInfinite(c.change()) ? null : c.change());
            return x;
        }).toList());
        return m;
    }

    private void print(PrintWriter out, List<HistoryRepository.PointRow> points, List<ChangePoint> changes, String unit) {
        double min = points.stream().mapToDouble(HistoryRepository.PointRow::value).min().orElse(0);
        double max = points.stream().mapToDouble(HistoryRepository.PointRow::value).max().orElse(0);
        out.println(plan + " " + metric + " over " + points.size() + " runs (" + unit + "): min " + Reports.value(min)
                + ", max " + Reports.value(max) + ", " + (changes.isEmpty() ? "no change points"
                : changes.size() + (changes.size() == 1 ? " change point" : " change points")));
        out.println("  " + sparkline(points.stream().mapToDouble(HistoryRepository.PointRow::value).toArray()));
        if (!changes.isEmpty()) {
            char[] marks = " ".repeat(points.size()).toCharArray();
            changes.forEach(c -> marks[c.index()] = '^');
            out.println("  " + new String(marks).stripTrailing() + "  (^ a new level starts)");
        }
        out.println();
        Map<Integer, ChangePoint> byIndex = new HashMap<>();
        changes.forEach(c -> byIndex.put(c.index(), c));
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            HistoryRepository.PointRow p = points.get(i);
            ChangePoint c = byIndex.get(i);
            rows.add(List.of(String.valueOf(p.runId()), p.startedAt() == null ? "-" : p.startedAt().toString().replace('T', ' ').substring(0, 19),
                    p.status(), Reports.value(p.value()), c == null ? "" : String.format(Locale.ROOT, "shift %+.1f%% (mean %s -> %s, p = %.4f)",
                            c.change() * 100, Reports.value(c.meanBefore()), Reports.value(c.meanAfter()), c.pValue())));
        }
        Reports.table(out, List.of("RUN", "STARTED", "STATUS", "VALUE", "CHANGE POINT"), rows);
    }

    /** Block characters when the console can show them, else an ASCII ramp. */
    private static char[] barsForConsole() {
        String encoding = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding",
                java.nio.charset.Charset.defaultCharset().name()));
        try {
            if (java.nio.charset.Charset.forName(encoding).newEncoder().canEncode('\u2581')) {
                return new char[] {'\u2581', '\u2582', '\u2583', '\u2584', '\u2585', '\u2586', '\u2587', '\u2588'};
            }
        } catch (RuntimeException ignored) {
            // unknown encoding: stay with ASCII
        }
        return new char[] {'_', '.', ':', '-', '=', '+', '*', '#'};
    }

    /** One bar per value, scaled between the series' minimum and maximum. */
    static String sparkline(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            int level = max == min ? BARS.length / 2 : (int) Math.round((v - min) / (max - min) * (BARS.length - 1));
            b.append(BARS[level]);
        }
        return b.toString();
    }
}
