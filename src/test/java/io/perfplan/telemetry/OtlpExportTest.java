package io.perfplan.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.perfplan.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * perfplan as a real process exporting a run's spans over OTLP/HTTP (protobuf) to a receiver in this
 * test, and, with telemetry off, not loading a single OpenTelemetry class.
 */
class OtlpExportTest {

    @TempDir
    Path dir;

    private HttpServer receiver;
    /** Spans received: name and trace id (hex). */
    private final List<String[]> received = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            paths.add(ex.getRequestURI().getPath());
            InputStream body = ex.getRequestBody();
            if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            byte[] bytes = body.readAllBytes();
            if (ex.getRequestURI().getPath().equals("/v1/traces")) {
                spans(bytes, received);
            }
            ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, 0);
            ex.close();
        });
        receiver.start();
        Files.writeString(dir.resolve("plan.yaml"), """
                plan: exported
                steps:
                  - id: greet
                    action: exec
                    with: {command: [echo, hi]}
                """);
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private String perfplan(Map<String, String> env, List<String> jvm, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.equals("PERFPLAN_DB"));
        pb.environment().putAll(env);
        Path out = dir.resolve("out.txt");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(out);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    @Test
    void exportsTheRunsSpansOverOtlpAndShowPrintsTheTraceId() throws Exception {
        perfplan(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.getAddress().getPort(),
                "OTEL_METRICS_EXPORTER", "none"), List.of(), "run", "plan.yaml");
        assertThat(received).extracting(s -> s[0]).contains("run exported", "step greet");
        String traceId = received.get(0)[1];
        assertThat(traceId).matches("[0-9a-f]{32}");
        assertThat(received).allMatch(s -> s[1].equals(traceId));
        String show = perfplan(Map.of(), List.of(), "show", "last");
        assertThat(show).contains("trace: " + traceId);
    }

    @Test
    void loadsNoOpenTelemetryClassWhenOff() throws Exception {
        // the code paths that open child spans too: loadtest stages, optimize trials and their nested steps
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", ex -> {
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        target.start();
        try {
            Files.writeString(dir.resolve("off.yaml"), """
                    plan: untraced
                    steps:
                      - id: greet
                        action: exec
                        with: {command: [echo, hi]}
                      - id: ramp
                        action: loadtest
                        with: {url: "http://127.0.0.1:%d/", warmup: 200ms, stages: [{duration: 500ms, rate: 20}, {duration: 500ms, rate: 40}]}
                      - id: tune
                        action: optimize
                        with:
                          parameters: {x: [1, 2]}
                          trial: {steps: [{id: work, action: exec, with: {command: [echo, "{{trial.x}}"]}}]}
                          objective: {metric: work.wall}
                    """.formatted(target.getAddress().getPort()));
            Path classes = dir.resolve("classes.txt");
            String out = perfplan(Map.of(), List.of("-Xlog:class+load=info:file=" + classes), "run", "off.yaml");
            String loaded = Files.readString(classes);
            assertThat(loaded).as(out).contains("io.perfplan.engine.Engine").contains("io.perfplan.actions.loadtest.PhaseSpans")
                    .contains("io.perfplan.actions.optimize.TrialSpans").doesNotContain("io.opentelemetry")
                    .doesNotContain("io.perfplan.telemetry.OtelRunTelemetry");
            assertThat(received).isEmpty();
            assertThat(paths).isEmpty();
        } finally {
            target.stop(0);
        }
    }

    /** Reads span names and trace ids from an ExportTraceServiceRequest (protobuf wire format). */
    private static void spans(byte[] request, List<String[]> out) {
        for (byte[] resourceSpans : fields(request, 1)) {
            for (byte[] scopeSpans : fields(resourceSpans, 2)) {
                for (byte[] span : fields(scopeSpans, 2)) {
                    String traceId = HexFormat.of().formatHex(fields(span, 1).get(0));
                    String name = new String(fields(span, 5).get(0), StandardCharsets.UTF_8);
                    out.add(new String[] {name, traceId});
                }
            }
        }
    }

    /** The length-delimited fields numbered {@code number} of a message, skipping the others. */
    private static List<byte[]> fields(byte[] msg, int number) {
        List<byte[]> out = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < msg.length) {
            long key = varint(msg, pos);
            int type = (int) (key & 7);
            switch (type) {
                case 0 -> varint(msg, pos);
                case 1 -> pos[0] += 8;
                case 5 -> pos[0] += 4;
                case 2 -> {
                    int len = (int) varint(msg, pos);
                    if (key >>> 3 == number) {
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        b.write(msg, pos[0], len);
                        out.add(b.toByteArray());
                    }
                    pos[0] += len;
                }
                default -> throw new AssertionError("unexpected wire type " + type);
            }
        }
        return out;
    }

    private static long varint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
    }
}
