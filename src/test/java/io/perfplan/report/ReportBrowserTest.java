package io.perfplan.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.perfplan.demo.DemoService;
import io.perfplan.engine.ActionRegistry;
import io.perfplan.engine.Cancellation;
import io.perfplan.engine.Engine;
import io.perfplan.engine.RunListener;
import io.perfplan.engine.RunReport;
import io.perfplan.engine.Status;
import io.perfplan.plan.Expressions;
import io.perfplan.plan.Plan;
import io.perfplan.plan.PlanValidator;
import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of real runs (the engine loading the demo service, a validate gate against a
 * rolling baseline) opened in headless Chromium: no script error, no blocked resource, every chart
 * drawn with its line on the canvas and the timeline as SVG. A probe script is added to a copy of
 * the page (its hash added to the page's Content-Security-Policy) to read the result out of the
 * browser; the screenshot is kept in target/report-artifacts. Chromium is Debian's `chromium`
 * (`.ci/run` installs it when missing).
 */
@Timeout(90)
class ReportBrowserTest {

    private static final Path ARTIFACTS = Path.of("target", "report-artifacts");

    @TempDir
    Path dir;

    private Database db;
    private DemoService demo;
    private final ActionRegistry actions = ActionRegistry.withBuiltIns();
    private final Expressions expressions = new Expressions(() -> {
        throw new AssertionError("these plans use plain expressions only");
    });
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void open() throws InterruptedException {
        db = Database.open(Database.defaultUrl(dir), null, null);
        demo = DemoService.start(DemoService.Options.onPort(0).withErrorRate(0.02).withThreads(1));
    }

    @AfterEach
    void close() {
        demo.close();
        db.close();
    }

    private RunReport run() throws Exception {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, """
                plan: report-e2e
                params:
                  port: {type: int}
                steps:
                  - id: load
                    action: loadtest
                    with:
                      url: http://127.0.0.1:${params.port}/api/orders
                      rate: 150
                      duration: 3s
                      checks: {status: [2xx]}
                  - id: gate
                    action: validate
                    with:
                      thresholds: ["load.latency.p99 < 2s", "load.error_rate < 20%"]
                      regression: {metrics: [load.latency.p99, load.throughput], tolerance: 50%, min_samples: 3, on_no_data: pass}
                      update_baseline: on_pass
                """);
        Plan plan = new PlanValidator(actions, expressions).loadAndValidate(file);
        return new Engine(actions, db.runs(), expressions).run(plan, Engine.resolveParams(plan, Map.of("port", String.valueOf(demo.port()))),
                new Engine.RunOptions("test", new RunListener() { }, new Cancellation(), System.getenv()));
    }

    @Test
    void everyChartOfARealRunIsDrawnWithoutErrors() throws Exception {
        RunReport first = run();
        RunReport second = run();
        assertThat(second.status()).as(second.error() + " " + second.steps()).isEqualTo(Status.PASSED);
        ReportData data = ReportData.load(db.runs(), second.runId(), 30).orElseThrow();
        assertThat(data.checks()).hasSize(4);
        assertThat(data.trends()).extracting(ReportData.Trend::metric)
                .containsExactly("load.latency.p99", "load.error_rate", "load.throughput");
        assertThat(data.trends().get(0).baselineRunId()).isEqualTo(first.runId());
        assertThat(data.spectra()).filteredOn(s -> s.name().equals("latency")).singleElement()
                .satisfies(s -> assertThat(s.count()).isEqualTo(450));

        Path page = dir.resolve("report.html");
        HtmlReport.write(data, page);
        String html = Files.readString(page);
        String library = new String(getClass().getClassLoader().getResourceAsStream("META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js")
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(html).contains(library);
        assertThat(html.replace(library, "")).as("the page references nothing on the network")
                .doesNotContain("http://", "https://", "src=", "href=", "url(");
        JsonNode probe = open(page, "report.png");
        assertThat(probe.get("errors")).as(probe.toString()).isEmpty();
        List<String> charts = new ArrayList<>();
        probe.get("charts").forEach(c -> charts.add(c.asText()));
        // latency, throughput, a spectrum per stored histogram, errors, three trends, and the timeline;
        // each chart with its line in the first series' colour
        assertThat(charts).as(probe.toString()).hasSize(2 + data.spectra().size() + 1 + 3 + 1);
        for (String c : charts) {
            String[] kv = c.split("=");
            assertThat(Integer.parseInt(kv[1])).as(c + " in " + charts).isGreaterThan(kv[0].equals("timeline") ? 1 : 20);
        }
        assertThat(charts).contains("timeline=2");
    }

    @Test
    void textFromTheStoreIsEscapedAndCannotRunScript() throws Exception {
        RunRepository runs = db.runs();
        String evil = "</script><script>alert(1)</script><img src=x onerror=alert(2)>";
        long id = runs.startRun("<b>plan</b>" + evil, "test", "{\"p\":\"" + "<svg onload=alert(3)>" + "\"}", null);
        long step = runs.startStep(id, "gate", "validate", 1);
        String outputs = json.writeValueAsString(Map.of("checks", List.of(Map.of("check", "gate.x" + evil, "kind", "threshold",
                "verdict", "fail", "note", evil))));
        runs.finishStep(id, step, "gate", new RunRepository.StepResult("failed", outputs, evil,
                List.of(new RunRepository.MetricRow("gate", "x" + evil, "ms", "lower_is_better", 1)),
                List.of(new RunRepository.SampleRow("gate", "series" + evil, "ms", new double[] {1, 2, 3})), List.of()));
        runs.finishRun(id, "failed", evil);
        Path page = dir.resolve("evil.html");
        HtmlReport.write(ReportData.load(runs, id, 10).orElseThrow(), page);
        String html = Files.readString(page);
        assertThat(html).doesNotContain("<script>alert", "<img", "<svg onload", "<b>plan");
        assertThat(html).contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");

        JsonNode probe = open(page, "evil.png");
        assertThat(probe.get("errors")).as(probe.toString()).isEmpty();
        assertThat(probe.get("alerts").asInt()).isZero();
        assertThat(probe.get("images").asInt()).isZero();
        // the probe, the data block, uPlot and the drawing code
        assertThat(probe.get("scripts").asInt()).isEqualTo(4);
    }

    /** Opens a copy of the page with the probe in headless Chromium and returns what the probe saw. */
    private JsonNode open(Path page, String screenshot) throws Exception {
        String probe = """
                (function () {
                  var errors = [], alerts = 0;
                  window.alert = function () { alerts++; };
                  window.addEventListener("error", function (e) { errors.push("error: " + e.message); });
                  document.addEventListener("securitypolicyviolation", function (e) { errors.push("csp: " + e.violatedDirective + " " + e.blockedURI); });
                  var original = console.error;
                  console.error = function () { errors.push("console: " + Array.prototype.join.call(arguments, " ")); original.apply(console, arguments); };
                  window.addEventListener("load", function () { setTimeout(function () {
                    var charts = [];
                    document.querySelectorAll("figure.chart").forEach(function (f) {
                      var canvas = f.querySelector("canvas"), line = 0;
                      if (canvas) {
                        var d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
                        for (var i = 0; i < d.length; i += 4) {
                          if (d[i + 3] > 200 && Math.abs(d[i] - 37) < 40 && Math.abs(d[i + 1] - 99) < 40 && Math.abs(d[i + 2] - 235) < 40) line++;
                        }
                      }
                      charts.push(f.id + "=" + line);
                    });
                    document.querySelectorAll("svg.timeline").forEach(function (s) { charts.push("timeline=" + s.querySelectorAll("rect").length); });
                    var out = document.createElement("pre");
                    out.id = "probe";
                    out.textContent = JSON.stringify({errors: errors, alerts: alerts, charts: charts,
                      images: document.querySelectorAll("img").length, scripts: document.querySelectorAll("script").length});
                    document.body.appendChild(out);
                  }, 200); });
                })();
                """;
        String html = Files.readString(page);
        String hash = "'sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(probe.getBytes(StandardCharsets.UTF_8))) + "'";
        Matcher csp = Pattern.compile("script-src ([^\"]*)\">").matcher(html);
        assertThat(csp.find()).as("the page declares a Content-Security-Policy for scripts").isTrue();
        String probed = html.substring(0, csp.start()) + "script-src " + hash + " " + csp.group(1) + "\">\n<script>" + probe + "</script>"
                + html.substring(csp.end());
        Path copy = dir.resolve("probed-" + page.getFileName());
        Files.writeString(copy, probed);

        String dom = chromium(copy, "--dump-dom");
        Matcher m = Pattern.compile("<pre id=\"probe\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        assertThat(m.find()).as("the probe reported; page:\n" + dom.substring(0, Math.min(2000, dom.length()))).isTrue();
        Files.createDirectories(ARTIFACTS);
        chromium(page, "--screenshot=" + ARTIFACTS.resolve(screenshot).toAbsolutePath(), "--window-size=1100,2600");
        assertThat(ARTIFACTS.resolve(screenshot)).isNotEmptyFile();
        return json.readTree(m.group(1).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
    }

    private String chromium(Path page, String... extra) throws Exception {
        String binary = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream().filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst().orElseThrow(() -> new AssertionError("headless Chromium is needed: apt-get install -y chromium"));
        Path profile = Files.createTempDirectory(dir, "chromium");
        List<String> cmd = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        cmd.addAll(List.of(extra));
        cmd.add(page.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium.err").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 60 s");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
