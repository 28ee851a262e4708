package io.perfplan.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.perfplan.store.HistoryRepository;
import io.perfplan.store.RunRepository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained HTML page about one run, for a browser with no network: the summary and
 * verdict, a step timeline (SVG), charts drawn by uPlot (inlined from its webjar) of latency,
 * throughput and errors over time, the latency spectrum of each stored histogram and the trend of
 * every gated metric with its baseline marked; then the checks, steps and metrics as tables.
 *
 * <p>Every text from the store is HTML-escaped, the chart data travels as JSON in a non-executed
 * {@code <script type="application/json">} block with {@code <}, {@code >} and {@code &} escaped,
 * and a Content-Security-Policy allows only this page's own scripts and styles (by hash) and no
 * network at all, so even text that slipped past escaping could neither run nor call out.
 */
public final class HtmlReport {

    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] COLORS = {"#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"};

    private HtmlReport() {}

    /** Writes the report of {@code data} to {@code file}, creating parent folders. */
    public static void write(ReportData data, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(data), StandardCharsets.UTF_8);
    }

    /** The page as text. */
    public static String render(ReportData d) {
        List<Map<String, Object>> charts = charts(d);
        String style = resource(UPLOT + "uPlot.min.css") + "\n" + PAGE_CSS;
        String library = resource(UPLOT + "uPlot.iife.min.js");
        String drawing = DRAW_JS;
        StringBuilder b = new StringBuilder(library.length() + 64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        b.append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src ")
                .append(hash(library)).append(' ').append(hash(drawing)).append("\">\n");
        b.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        b.append("<title>").append(esc("perfplan run " + d.run().id() + " of " + d.run().plan() + ": " + d.run().status())).append("</title>\n");
        b.append("<style>").append(style).append("</style>\n</head>\n<body>\n");
        summary(b, d);
        b.append("<section><h2>Step timeline</h2>\n").append(timeline(d)).append("</section>\n");
        section(b, "Latency and throughput over time", charts, "time", "This run stored no per-second load samples.");
        section(b, "Latency distribution", charts, "spectrum", "This run stored no latency histogram.");
        section(b, "Errors over time", charts, "errors", "This run stored no per-second error counts.");
        section(b, "Trend of gated metrics (last " + d.trendRuns() + " runs)", charts, "trend",
                "No validate step of this run gated a stored metric.");
        section(b, "Other samples", charts, "other", null);
        checksTable(b, d);
        stepsTable(b, d);
        metricsTable(b, d);
        b.append("<footer>Written by perfplan at ").append(esc(Instant.now().toString()))
                .append(". Charts: uPlot 1.6.30 (MIT), inlined; this page loads nothing from the network.</footer>\n");
        b.append("<script type=\"application/json\" id=\"report-data\">").append(jsonForScript(Map.of("charts", charts))).append("</script>\n");
        b.append("<script>").append(library).append("</script>\n");
        b.append("<script>").append(drawing).append("</script>\n");
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    // ---- sections

    private static void summary(StringBuilder b, ReportData d) {
        RunRepository.RunRow r = d.run();
        long failed = d.checks().stream().filter(c -> "fail".equals(c.get("verdict"))).count();
        long inconclusive = d.checks().stream().filter(c -> "inconclusive".equals(c.get("verdict"))).count();
        b.append("<header><h1>").append(esc(r.plan())).append(" <span class=\"muted\">run ").append(r.id()).append("</span></h1>\n");
        b.append("<p class=\"verdict ").append(esc(statusClass(r.status()))).append("\">").append(esc(r.status().toUpperCase(Locale.ROOT)))
                .append("</p>\n");
        StringBuilder why = new StringBuilder();
        if (!d.checks().isEmpty()) {
            why.append(d.checks().size() - failed - inconclusive).append(" of ").append(d.checks().size()).append(" checks passed");
            if (failed > 0) {
                why.append(", ").append(failed).append(" failed");
            }
            if (inconclusive > 0) {
                why.append(", ").append(inconclusive).append(" inconclusive");
            }
            why.append(". ");
        }
        if (r.error() != null) {
            why.append(r.error());
        }
        if (!why.isEmpty()) {
            b.append("<p class=\"why\">").append(esc(why.toString().trim())).append("</p>\n");
        }
        b.append("<dl>");
        item(b, "started", r.startedAt() == null ? "-" : r.startedAt().toString());
        item(b, "took", took(r.startedAt(), r.finishedAt()));
        item(b, "trigger", r.trigger());
        item(b, "node", r.node());
        if (r.params() != null && !r.params().equals("{}")) {
            item(b, "params", r.params());
        }
        if (r.planFile() != null) {
            item(b, "plan file", r.planFile());
        }
        if (r.traceId() != null) {
            item(b, "trace", r.traceId());
        }
        b.append("</dl>\n</header>\n");
    }

    private static void item(StringBuilder b, String name, String value) {
        b.append("<div><dt>").append(esc(name)).append("</dt><dd>").append(esc(value == null ? "-" : value)).append("</dd></div>");
    }

    private static void section(StringBuilder b, String title, List<Map<String, Object>> charts, String group, String none) {
        List<Map<String, Object>> mine = charts.stream().filter(c -> group.equals(c.get("group"))).toList();
        if (mine.isEmpty() && none == null) {
            return;
        }
        b.append("<section><h2>").append(esc(title)).append("</h2>\n");
        if (mine.isEmpty()) {
            b.append("<p class=\"muted\">").append(esc(none)).append("</p>\n");
        }
        b.append("<div class=\"charts\">");
        for (Map<String, Object> c : mine) {
            b.append("<figure class=\"chart\" id=\"").append(esc((String) c.get("id"))).append("\"><figcaption>")
                    .append(esc((String) c.get("title"))).append("</figcaption>");
            if (c.get("note") != null) {
                b.append("<p class=\"note\">").append(esc((String) c.get("note"))).append("</p>");
            }
            b.append("</figure>");
        }
        b.append("</div></section>\n");
    }

    /** Each step attempt as a bar from its start to its end, seconds from the start of the run. */
    private static String timeline(ReportData d) {
        List<RunRepository.StepRow> steps = d.steps();
        if (steps.isEmpty()) {
            return "<p class=\"muted\">The run has no steps.</p>";
        }
        Instant origin = d.run().startedAt();
        Instant end = d.run().finishedAt();
        for (RunRepository.StepRow s : steps) {
            Instant f = s.finishedAt() == null ? s.startedAt() : s.finishedAt();
            end = end == null || f.isAfter(end) ? f : end;
        }
        double total = Math.max(0.001, seconds(origin, end));
        int labelWidth = 190;
        int width = 980;
        int plot = width - labelWidth - 20;
        int row = 24;
        int height = 30 + row * steps.size() + 24;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" width=\"").append(width).append("\" height=\"").append(height).append("\">");
        s.append("<title>").append(esc("Steps of run " + d.run().id() + " over " + fmt(total) + " s")).append("</title>");
        double step = niceStep(total / 8);
        for (double t = 0; t <= total + 1e-9; t += step) {
            double x = labelWidth + plot * t / total;
            s.append("<line x1=\"").append(fmt(x)).append("\" y1=\"20\" x2=\"").append(fmt(x)).append("\" y2=\"").append(height - 20)
                    .append("\" stroke=\"#e5e7eb\"/>");
            s.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(height - 6).append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#6b7280\">")
                    .append(new java.math.BigDecimal(t).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString())
                    .append(" s</text>");
        }
        int i = 0;
        for (RunRepository.StepRow st : steps) {
            double from = seconds(origin, st.startedAt());
            double to = st.finishedAt() == null ? total : seconds(origin, st.finishedAt());
            double x = labelWidth + plot * from / total;
            double w = Math.max(2, plot * (to - from) / total);
            int y = 26 + row * i;
            String label = st.stepId() + (st.attempt() > 1 ? " #" + st.attempt() : "");
            s.append("<text x=\"").append(labelWidth - 8).append("\" y=\"").append(y + 14).append("\" font-size=\"12\" text-anchor=\"end\" fill=\"#111827\">")
                    .append(esc(label)).append("</text>");
            s.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(y).append("\" width=\"").append(fmt(w))
                    .append("\" height=\"18\" rx=\"3\" fill=\"").append(statusColor(st.status())).append("\"><title>")
                    .append(esc(label + " (" + st.action() + "): " + st.status() + ", " + fmt(to - from) + " s"
                            + (st.error() == null ? "" : " - " + st.error()))).append("</title></rect>");
            i++;
        }
        s.append("</svg>");
        s.append("<p class=\"legend\">");
        for (String status : List.of("passed", "failed", "skipped", "cancelled", "running")) {
            s.append("<span><i style=\"background:").append(statusColor(status)).append("\"></i>").append(status).append("</span>");
        }
        s.append("</p>");
        return s.toString();
    }

    private static void checksTable(StringBuilder b, ReportData d) {
        b.append("<section><h2>Checks</h2>\n");
        if (d.checks().isEmpty()) {
            b.append("<p class=\"muted\">This run has no validate step.</p></section>\n");
            return;
        }
        b.append("<table><thead><tr><th>step</th><th>check</th><th>kind</th><th>observed</th><th>limit</th><th>baseline</th>")
                .append("<th>change</th><th>p-value</th><th>verdict</th><th>why</th></tr></thead><tbody>\n");
        for (Map<String, Object> c : d.checks()) {
            String unit = c.get("unit") == null ? "" : c.get("unit").toString();
            b.append("<tr class=\"").append(esc(statusClass(String.valueOf(c.get("verdict"))))).append("\">");
            cell(b, c.get("step"));
            cell(b, c.get("check"));
            cell(b, c.get("kind"));
            cell(b, c.get("observed") instanceof Number n ? number(n.doubleValue()) + " " + unit : "-");
            cell(b, c.get("limit"));
            cell(b, c.get("baseline") instanceof Number n ? number(n.doubleValue()) + " " + unit : "-");
            cell(b, c.get("change") instanceof Number n ? String.format(Locale.ROOT, "%+.1f%%", n.doubleValue() * 100) : "-");
            cell(b, c.get("p_value") instanceof Number n ? number(n.doubleValue()) : "-");
            cell(b, c.get("verdict") == null ? "-" : c.get("verdict").toString().toUpperCase(Locale.ROOT));
            cell(b, c.get("note"));
            b.append("</tr>\n");
        }
        b.append("</tbody></table></section>\n");
    }

    private static void stepsTable(StringBuilder b, ReportData d) {
        b.append("<section><h2>Steps</h2>\n<table><thead><tr><th>step</th><th>action</th><th>attempt</th><th>status</th>")
                .append("<th>started</th><th>took</th><th>message</th></tr></thead><tbody>\n");
        for (RunRepository.StepRow s : d.steps()) {
            b.append("<tr class=\"").append(esc(statusClass(s.status()))).append("\">");
            cell(b, s.stepId());
            cell(b, s.action());
            cell(b, s.attempt());
            cell(b, s.status());
            cell(b, s.startedAt());
            cell(b, took(s.startedAt(), s.finishedAt()));
            cell(b, s.error());
            b.append("</tr>\n");
        }
        b.append("</tbody></table></section>\n");
    }

    private static void metricsTable(StringBuilder b, ReportData d) {
        b.append("<section><h2>Metrics</h2>\n");
        if (d.metrics().isEmpty()) {
            b.append("<p class=\"muted\">This run stored no metrics.</p></section>\n");
            return;
        }
        b.append("<table><thead><tr><th>metric</th><th>value</th><th>unit</th><th>direction</th></tr></thead><tbody>\n");
        for (RunRepository.MetricRow m : d.metrics()) {
            b.append("<tr>");
            cell(b, m.stepId() + "." + m.name());
            b.append("<td class=\"num\">").append(esc(number(m.value()))).append("</td>");
            cell(b, m.unit());
            cell(b, m.direction() == null ? "" : m.direction().toLowerCase(Locale.ROOT).replace('_', ' '));
            b.append("</tr>\n");
        }
        b.append("</tbody></table></section>\n");
    }

    private static void cell(StringBuilder b, Object value) {
        b.append("<td>").append(esc(value == null ? "" : value.toString())).append("</td>");
    }

    // ---- chart data

    private static List<Map<String, Object>> charts(ReportData d) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Map<String, RunRepository.SampleRow>> byStep = new LinkedHashMap<>();
        for (RunRepository.SampleRow s : d.samples()) {
            byStep.computeIfAbsent(s.stepId(), k -> new LinkedHashMap<>()).put(s.name(), s);
        }
        int n = 0;
        for (Map.Entry<String, Map<String, RunRepository.SampleRow>> e : byStep.entrySet()) {
            String step = e.getKey();
            Map<String, RunRepository.SampleRow> sets = new LinkedHashMap<>(e.getValue());
            List<RunRepository.SampleRow> latency = new ArrayList<>();
            for (String name : List.of("latency.p50", "latency.p99")) {
                RunRepository.SampleRow s = sets.get(name);
                if (s != null && s.values().length > 1) {
                    latency.add(s);
                }
            }
            if (!latency.isEmpty()) {
                latency.forEach(s -> sets.remove(s.name()));
                out.add(chart("chart-" + n++, "time", step + ": latency percentiles per second", "second", "ms",
                        latency.stream().map(s -> series(s.name(), s.values())).toList(), null));
            }
            RunRepository.SampleRow throughput = sets.remove("throughput");
            if (throughput != null && throughput.values().length > 1) {
                out.add(chart("chart-" + n++, "time", step + ": throughput per second", "second", "requests/s",
                        List.of(series("throughput", throughput.values())), null));
            }
            RunRepository.SampleRow errors = sets.remove("errors");
            if (errors != null && errors.values().length > 1) {
                double total = 0;
                for (double v : errors.values()) {
                    total += v;
                }
                out.add(chart("chart-" + n++, "errors", step + ": errors per second", "second", "errors",
                        List.of(series("errors", errors.values())), total == 0 ? "No errors during the run." : null));
            }
            for (RunRepository.SampleRow s : sets.values()) {
                if (s.values().length > 1) {
                    out.add(chart("chart-" + n++, "other", step + "." + s.name() + " (" + unitLabel(s.unit()) + ")", "sample",
                            unitLabel(s.unit()), List.of(series(s.name(), s.values())), null));
                }
            }
        }
        for (ReportData.Spectrum sp : d.spectra()) {
            if (sp.percentiles().length < 2) {
                continue; // a handful of requests (a health probe) has no distribution worth drawing
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", "chart-" + n++);
            c.put("group", "spectrum");
            c.put("kind", "spectrum");
            c.put("title", sp.stepId() + ": " + sp.name() + " percentile spectrum (" + sp.count() + " requests, max "
                    + number(sp.maxMillis()) + " ms)");
            c.put("xLabel", "percentile");
            c.put("yLabel", "ms");
            // x is log10(1 / (1 - q)): 0 at 0%, 1 at 90%, 2 at 99%, 3 at 99.9%, so the tail gets the room
            double[] x = new double[sp.percentiles().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.log10(100 / (100 - sp.percentiles()[i]));
            }
            c.put("x", x);
            Map<String, Object> line = series(sp.name(), sp.valuesMillis());
            line.put("color", COLORS[0]);
            c.put("series", List.of(line));
            out.add(c);
        }
        for (ReportData.Trend t : d.trends()) {
            List<HistoryRepository.PointRow> points = t.points();
            double[] x = new double[points.size()];
            Double[] values = new Double[points.size()];
            Double[] baseline = new Double[points.size()];
            Double[] current = new Double[points.size()];
            boolean baselineShown = false;
            for (int i = 0; i < points.size(); i++) {
                HistoryRepository.PointRow p = points.get(i);
                x[i] = p.runId();
                values[i] = p.value();
                if (t.baselineRunId() != null && p.runId() == t.baselineRunId()) {
                    baseline[i] = p.value();
                    baselineShown = true;
                }
                if (p.runId() == d.run().id()) {
                    current[i] = p.value();
                }
            }
            List<Map<String, Object>> series = new ArrayList<>();
            series.add(series(t.metric(), values));
            Map<String, Object> base = series("baseline" + (t.baselineRunId() == null ? "" : " (run " + t.baselineRunId() + ")"), baseline);
            base.put("points", true);
            series.add(base);
            Map<String, Object> cur = series("this run", current);
            cur.put("points", true);
            series.add(cur);
            String note = t.baselineRunId() == null ? "No baseline run is known for this metric."
                    : baselineShown ? null : "The baseline (run " + t.baselineRunId() + ") is older than the runs shown.";
            Map<String, Object> c = chart("chart-" + n++, "trend", t.metric() + " (" + unitLabel(t.unit()) + ") over the last "
                    + points.size() + " runs", "run", unitLabel(t.unit()), series, note);
            c.put("x", x);
            c.put("kind", "runs");
            out.add(c);
        }
        return out;
    }

    private static Map<String, Object> chart(String id, String group, String title, String xLabel, String yLabel,
                                             List<Map<String, Object>> series, String note) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("group", group);
        c.put("kind", "index");
        c.put("title", title);
        c.put("xLabel", xLabel);
        c.put("yLabel", yLabel);
        int length = series.stream().mapToInt(s -> ((Object[]) s.get("values")).length).max().orElse(0);
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = i + 1;
        }
        c.put("x", x);
        List<Map<String, Object>> colored = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            Map<String, Object> s = series.get(i);
            s.putIfAbsent("color", COLORS[i % COLORS.length]);
            colored.add(s);
        }
        c.put("series", colored);
        if (note != null) {
            c.put("note", note);
        }
        return c;
    }

    private static Map<String, Object> series(String label, double[] values) {
        Double[] boxed = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = Double.isFinite(values[i]) ? values[i] : null;
        }
        return series(label, boxed);
    }

    private static Map<String, Object> series(String label, Double[] values) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("label", label);
        s.put("values", values);
        return s;
    }

    // ---- text

    /** HTML-escapes text for element content and quoted attribute values. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        b.append(' ');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** JSON safe inside a script element: no {@code </script>}, no HTML comment openers, no line separators. */
    static String jsonForScript(Object value) {
        try {
            return JSON.writeValueAsString(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                    .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report's chart data: " + e.getOriginalMessage(), e);
        }
    }

    private static String hash(String script) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String path) {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the chart library " + path + " is missing from the class path; rebuild perfplan");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static String statusClass(String status) {
        return switch (status == null ? "" : status.toLowerCase(Locale.ROOT)) {
            case "passed", "pass" -> "ok";
            case "failed", "fail", "interrupted" -> "bad";
            case "inconclusive", "cancelled" -> "warn";
            default -> "neutral";
        };
    }

    private static String statusColor(String status) {
        return switch (statusClass(status)) {
            case "ok" -> "#16a34a";
            case "bad" -> "#dc2626";
            case "warn" -> "#d97706";
            default -> "#9ca3af";
        };
    }

    private static String unitLabel(String unit) {
        return unit == null || unit.isEmpty() ? "count" : unit;
    }

    private static String took(Instant from, Instant to) {
        if (from == null || to == null) {
            return "-";
        }
        return fmt(seconds(from, to)) + " s";
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    private static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-3))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String number(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : Math.abs(v) >= 1 ? "%.3f" : "%.4g", v);
    }

    private static final String PAGE_CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;margin:24px auto;max-width:1040px;padding:0 16px}
            h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
            .muted{color:#6b7280;font-weight:normal}.note{color:#6b7280;font-size:12px;margin:2px 0}
            .verdict{display:inline-block;font-weight:700;padding:2px 10px;border-radius:4px;color:#fff;margin:4px 0}
            .verdict.ok{background:#16a34a}.verdict.bad{background:#dc2626}.verdict.warn{background:#d97706}.verdict.neutral{background:#6b7280}
            .why{margin:4px 0 8px}
            dl{display:flex;flex-wrap:wrap;gap:4px 24px;margin:8px 0}dl div{display:flex;gap:6px}dt{color:#6b7280}dd{margin:0;word-break:break-all}
            .charts{display:flex;flex-wrap:wrap;gap:16px}.chart{margin:0;border:1px solid #e5e7eb;border-radius:6px;padding:8px}
            figcaption{font-weight:600;margin-bottom:4px}
            .chart-error{color:#dc2626}
            table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}
            th{background:#f9fafb}td.num{text-align:right;font-variant-numeric:tabular-nums}
            tr.bad td{background:#fef2f2}tr.warn td{background:#fffbeb}
            .legend span{margin-right:14px;font-size:12px;color:#374151}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
            footer{margin-top:32px;color:#6b7280;font-size:12px}
            """;

    /** Draws every chart the JSON block describes; a chart that cannot be drawn says so in place. */
    private static final String DRAW_JS = """
            (function () {
              "use strict";
              var data = JSON.parse(document.getElementById("report-data").textContent);
              var pctTicks = [0, Math.log10(2), 1, 2, 3, 4, 5, 6];
              function pctLabel(x) {
                var p = 100 - 100 / Math.pow(10, x);
                return (Math.round(p * 10000) / 10000) + "%";
              }
              function draw(c) {
                var el = document.getElementById(c.id);
                var series = [{label: c.xLabel, value: function (u, v) { return v == null ? "-" : c.kind === "spectrum" ? pctLabel(v) : String(v); }}];
                var columns = [c.x];
                c.series.forEach(function (s) {
                  var opts = {label: s.label, stroke: s.color, width: 2, spanGaps: true};
                  if (s.points) {
                    opts.width = 0;
                    opts.paths = function () { return null; };
                    opts.points = {show: true, size: 11, fill: s.color, stroke: s.color};
                  }
                  series.push(opts);
                  columns.push(s.values);
                });
                var x = {time: false};
                var xAxis = {label: c.xLabel};
                if (c.kind === "spectrum") {
                  x = {time: false, range: function (u, min, max) { return [0, Math.max(1, Math.ceil(max))]; }};
                  xAxis.splits = function (u, i, min, max) { return pctTicks.filter(function (t) { return t >= min - 1e-9 && t <= max + 1e-9; }); };
                  xAxis.values = function (u, splits) { return splits.map(pctLabel); };
                }
                if (c.kind === "runs") {
                  xAxis.values = function (u, splits) { return splits.map(function (v) { return v === Math.round(v) ? String(v) : ""; }); };
                }
                var width = Math.min(980, Math.max(420, Math.floor((document.body.clientWidth - 60) / (c.kind === "runs" ? 1 : 2)) - 20));
                new uPlot({
                  width: width, height: 260, series: series,
                  scales: {x: x, y: {range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.1 : 1]; }}},
                  axes: [xAxis, {label: c.yLabel}],
                  legend: {live: false}
                }, columns, el);
              }
              data.charts.forEach(function (c) {
                try {
                  draw(c);
                } catch (e) {
                  var p = document.createElement("p");
                  p.className = "chart-error";
                  p.textContent = "This chart could not be drawn: " + e;
                  document.getElementById(c.id).appendChild(p);
                  console.error(e);
                }
              });
            })();
            """;
}
