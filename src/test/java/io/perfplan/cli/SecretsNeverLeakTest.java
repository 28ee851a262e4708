package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan that puts its secrets everywhere it can — URLs, headers, command arguments and environment,
 * child output, failing steps, deploy commands and health checks, alert webhooks, script logs and
 * outputs, expression results — run as a real perfplan process with {@code --debug}, an HTML report,
 * JUnit XML and OpenTelemetry export; then every place perfplan writes is searched for the secret
 * values in the forms they could take (raw, each line, JSON-escaped, URL-encoded, base64): stdout and
 * stderr of every command, every file under the project folder, a full SQL dump of the database and
 * its raw bytes, and every OTLP request received.
 */
class SecretsNeverLeakTest {

    /** A distinctive token, safe in URLs. */
    private static final String TOKEN = "tok-7Qz9Zq8Vb1NwLp";
    /** Regular-expression metacharacters, which a regex-based masker would get wrong. */
    private static final String META = "m3ta.*+?[x](y)|^$\\d{2}";
    /** A secret that is a substring of TOKEN and that the plan embeds inside longer words. */
    private static final String PART = "Zq8Vb1Nw";
    /** Several lines with spaces. */
    private static final String MULTI = "mlA first secret line\nmlB second  line with spaces";

    @TempDir
    Path dir;

    private HttpServer receiver;
    private int port;
    /** Everything the receiver got on paths other than OTLP's: request line, headers and body. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** Bodies of the other requests: alerts and notifications, whose text perfplan writes. */
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    /** Bodies of OTLP export requests (protobuf, un-gzipped). */
    private final List<byte[]> otlp = new CopyOnWriteArrayList<>();

    record Result(int exit, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            InputStream body = ex.getRequestBody();
            if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            byte[] bytes = body.readAllBytes();
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/v1/")) {
                otlp.add(bytes);
                ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                ex.sendResponseHeaders(200, 0);
            } else {
                requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + "\n" + new java.util.TreeMap<>(ex.getRequestHeaders()) + "\n"
                        + new String(bytes, StandardCharsets.UTF_8));
                bodies.add(new String(bytes, StandardCharsets.UTF_8));
                byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, ok.length);
                ex.getResponseBody().write(ok);
            }
            ex.close();
        });
        receiver.start();
        port = receiver.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    @Test
    void secretValuesAppearNowherePerfplanWrites() throws Exception {
        Files.createDirectories(dir.resolve("scripts"));
        Files.copy(Path.of("scripts/notify.groovy"), dir.resolve("scripts/notify.groovy"));
        String base = "http://127.0.0.1:" + port;
        writePlan(base);

        Result dry = perfplan("run", "plans/leaky.yaml", "--dry-run", "--debug");
        Result run = perfplan("run", "plans/leaky.yaml", "--debug", "--report", "run-report.html", "--junit", "junit.xml");
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        Result json = perfplan("run", "plans/leaky.yaml", "--json", "--debug");
        List<Result> reads = List.of(perfplan("show", "1", "--json"), perfplan("show", "1"), perfplan("history", "--json"),
                perfplan("report", "1", "-o", "report.html"), perfplan("deployments", "--json"), perfplan("compare", "1", "2", "--json"));

        // the secrets were really used: they reached their destinations
        assertThat(requests).anyMatch(r -> r.contains("token=" + TOKEN) && r.contains("Bearer " + TOKEN));
        // and were masked where perfplan wrote them
        assertThat(dry.out()).contains("echo ***");
        assertThat(run.out()).contains("***").contains("dies 1 failed").contains("starting with ***");
        assertThat(requests).as("notify masks its text").anyMatch(r -> r.contains("\"text\":\"token ***"));

        Map<String, String> places = new LinkedHashMap<>();
        put(places, "dry-run", dry);
        put(places, "run", run);
        put(places, "run --json", json);
        for (int i = 0; i < reads.size(); i++) {
            put(places, "read " + i, reads.get(i));
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.startsWith(dir.resolve("plans")) || f.startsWith(dir.resolve("scripts"))) {
                    continue; // the plan names secrets, never their values
                }
                if (f.equals(dir.resolve("logs/dies-1.log"))) {
                    // the deployed service's own output, which perfplan never writes (the service outlives it)
                    assertThat(Files.readString(f)).contains("starting with " + TOKEN);
                    continue;
                }
                places.put(dir.relativize(f).toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        places.put("SQL dump", sqlDump());
        for (int i = 0; i < bodies.size(); i++) {
            places.put("webhook body " + i, bodies.get(i));
        }
        for (int i = 0; i < otlp.size(); i++) {
            places.put("OTLP request " + i, new String(otlp.get(i), StandardCharsets.ISO_8859_1));
        }
        assertThat(places.keySet()).contains("db/perfplan.mv.db", "run-report.html", "report.html", "junit.xml");
        assertThat(otlp).as("spans were exported").isNotEmpty();

        List<String> leaks = new ArrayList<>();
        places.forEach((where, text) -> {
            for (String form : forms()) {
                if (text.contains(form) || text.contains(new String(form.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))) {
                    int at = text.indexOf(form);
                    leaks.add(where + ": " + form.replace("\n", "\\n") + (at < 0 ? "" : " in «"
                            + text.substring(Math.max(0, at - 80), Math.min(text.length(), at + form.length() + 40)).replace("\n", "\\n") + "»"));
                }
            }
        });
        assertThat(leaks).as("secret values found").isEmpty();

        // masked, not dropped: the markers are there where the secrets were used
        assertThat(places.get("SQL dump")).contains("***");
        assertThat(places.get("run-report.html")).contains("***");
        assertThat(String.join("\n", places.entrySet().stream().filter(e -> e.getKey().startsWith("OTLP")).map(Map.Entry::getValue).toList()))
                .contains("***");
    }

    private void writePlan(String base) throws Exception {
        Path plans = Files.createDirectories(dir.resolve("plans"));
        Files.writeString(plans.resolve("leaky.yaml"), """
                plan: leaky
                secrets: [TOKEN, META, PART, MULTI]
                env: {API_TOKEN: "${secrets.TOKEN}"}
                vars:
                  target: "BASE/api?token=${secrets.TOKEN}"
                  greeting: "hello ${secrets.TOKEN} and xx${secrets.PART}yy"
                steps:
                  - id: echo
                    action: exec
                    with:
                      command: [sh, -c, 'echo "arg=$1 env=$API_TOKEN multi=$MULTI meta=$2 ${3}"; echo "err=$1 $MULTI" >&2', sh, "${secrets.TOKEN}", "${secrets.META}", "${vars.greeting}"]
                      env: {MULTI: "${secrets.MULTI}"}
                  - id: missing-program
                    action: exec
                    continue_on_error: true
                    with: {command: ["/nonexistent/${secrets.TOKEN}"]}
                  - id: exit-code
                    action: exec
                    continue_on_error: true
                    with: {command: [sh, -c, 'echo "failing with $0" >&2; exit 3', "${secrets.META}"]}
                  - id: expression
                    action: exec
                    outputs: {shown: "${secrets.META + '!' + secrets.PART}", lines: "${secrets.MULTI.readLines()}"}
                    with: {command: [echo, "${env.TOKEN}"]}
                  - id: bad-expression
                    continue_on_error: true
                    action: exec
                    with: {command: [echo, "${secrets.TOKEN as int}"]}
                  - id: load
                    action: loadtest
                    with:
                      url: "${vars.target}"
                      headers: {Authorization: "Bearer ${secrets.TOKEN}", X-Meta: "${secrets.PART}"}
                      rate: 20
                      duration: 1s
                      max_requests: 10
                      checks: {body_contains: ok}
                  - id: load-refused
                    action: loadtest
                    continue_on_error: true
                    with: {url: "http://127.0.0.1:1/x?token=${secrets.TOKEN}", rate: 5, duration: 500ms, timeout: 1s}
                  - id: script
                    action: groovy
                    continue_on_error: true
                    with:
                      args: {t: "${secrets.TOKEN}", m: "${secrets.MULTI}", meta: "${secrets.META}"}
                      script: |
                        ctx.log("token " + args.t + " meta " + args.meta)
                        ctx.log("base64 " + args.t.bytes.encodeBase64() + " url " + URLEncoder.encode(args.m, 'UTF-8'))
                        ctx.log("lines " + args.m)
                        println "println " + args.t
                        System.err.println "stderr " + args.t
                        ctx.output('leak', [token: args.t, multi: args.m])
                        ctx.fail("failed with " + args.t)
                  - id: script-throws
                    action: groovy
                    continue_on_error: true
                    with:
                      args: {t: "${secrets.TOKEN}"}
                      script: throw new IllegalStateException("thrown with " + args.t)
                  - id: deploy-fails
                    action: deploy
                    continue_on_error: true
                    with:
                      service: svc
                      version: "1"
                      command: [sh, -c, 'echo "deploying with $0 and $SVC_TOKEN"', "${secrets.TOKEN}"]
                      env: {SVC_TOKEN: "${secrets.TOKEN}"}
                      health: {http: "http://127.0.0.1:1/health?token=${secrets.TOKEN}", timeout: 1s, interval: 200ms}
                      alerts: [{log: true}, {webhook: "BASE/hook?token=${secrets.TOKEN}", headers: {Authorization: "Bearer ${secrets.TOKEN}"}}]
                  - id: service-dies
                    action: deploy
                    continue_on_error: true
                    with:
                      service: dies
                      version: "1"
                      start: [sh, -c, 'echo "starting with $DIES_TOKEN"; exit 1']
                      env: {DIES_TOKEN: "${secrets.TOKEN}"}
                      health: {tcp: "127.0.0.1:1", timeout: 10s, interval: 200ms}
                  - id: deploy
                    action: deploy
                    with:
                      service: svc
                      version: "2"
                      command: [sh, -c, 'echo "deploying with $0"', "${secrets.TOKEN}"]
                      env: {SVC_TOKEN: "${secrets.TOKEN}", SVC_META: "${secrets.META}"}
                      health: {http: "BASE/health?token=${secrets.TOKEN}", body_contains: ok, timeout: 10s, interval: 200ms}
                  - id: watch
                    action: observe
                    with:
                      duration: 600ms
                      interval: 200ms
                      alerts: [{when: "system.cpu.mean >= 0%", notify: [log, webhook], name: "cpu ${secrets.TOKEN}"}]
                      webhook: "BASE/alert?token=${secrets.TOKEN}"
                  - id: tell
                    action: notify
                    with:
                      url: "BASE/notify?token=${secrets.TOKEN}"
                      text: "token ${secrets.TOKEN} meta ${secrets.META}"
                      fields: {greeting: "${vars.greeting}"}
                  - id: gate
                    action: validate
                    with: {thresholds: ["load.latency.p99 < 0ms"]}
                """.replace("BASE", base));
    }

    /** Every form a secret value could be written in. */
    private static Set<String> forms() {
        Set<String> out = new LinkedHashSet<>();
        for (String s : List.of(TOKEN, META, PART, MULTI)) {
            out.add(s);
            out.addAll(s.lines().toList());
            out.add(new String(JsonStringEncoder.getInstance().quoteAsString(s)));
            out.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
            out.add(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
            out.add(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static void put(Map<String, String> places, String name, Result r) {
        places.put(name + " stdout", r.out());
        places.put(name + " stderr", r.err());
    }

    /** The whole database as SQL, through a plain JDBC connection once perfplan has exited. */
    private String sqlDump() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db/perfplan").toAbsolutePath();
        StringBuilder sb = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url, "", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SCRIPT")) {
            while (rs.next()) {
                sb.append(rs.getString(1)).append('\n');
            }
        }
        assertThat(sb).contains("CREATE CACHED TABLE", "INSERT INTO");
        return sb.toString();
    }

    private Result perfplan(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("OTEL_") || k.equals("PERFPLAN_DB"));
        env.putAll(Map.of("TOKEN", TOKEN, "META", META, "PART", PART, "MULTI", MULTI,
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + port));
        if (args[0].equals("run")) {
            env.put("PERFPLAN_LOG_LEVEL", "DEBUG"); // library logs, on stderr, searched too
        }
        Path out = Files.createTempFile("perfplan", ".out");
        Path err = Files.createTempFile("perfplan", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("perfplan %s finished", List.of(args)).isTrue();
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
