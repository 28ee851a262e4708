package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text that arrives while a plan runs (a command's output, an HTTP response body, a {@code --param}
 * value) is data: a {@code ${...}} inside it is passed on literally and never evaluated, whether
 * the later step reads it as a whole value, inside a longer string or through a Groovy expression.
 * Runs perfplan as a real process against a real local HTTP server.
 */
class InjectionTest {

    @TempDir
    Path dir;

    @Test
    void expressionsInOutputsBodiesAndParamsStayText() throws Exception {
        Path marker = dir.resolve("pwned");
        String payload = "${new File('/etc/hostname').text}|${System.exit(1)}|${['touch', '" + marker + "'].execute()}"
                + "|${steps.print.outputs.stdout}|$${x}";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = ("body:" + payload).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Path payloadFile = Files.writeString(dir.resolve("payload.txt"), "out:" + payload);
            Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                    plan: injection
                    params:
                      who: {default: nobody}
                      url: {default: "http://127.0.0.1:1/"}
                    steps:
                      - id: print
                        action: exec
                        with: {command: [cat, PAYLOAD]}
                      - id: fetch
                        action: groovy
                        with:
                          args: {url: "${params.url}"}
                          script: ctx.output('body', ctx.http.get(args.url as String).body)
                      - id: whole
                        action: exec
                        with: {command: [printf, '%s\\n%s\\n%s', "${steps.print.outputs.stdout}", "${steps.fetch.outputs.body}", "${params.who}"]}
                      - id: inside
                        action: exec
                        with: {command: [printf, '%s', "[${steps.print.outputs.stdout}] [${steps.fetch.outputs.body}] [${params.who}]"]}
                      - id: groovy
                        action: exec
                        with: {command: [printf, '%s', "${steps.print.outputs.stdout.trim() + '/' + steps.fetch.outputs.body + '/' + params.who.toString()}"]}
                      - id: env
                        action: exec
                        with:
                          command: 'printf %s "$A"'
                          shell: true
                          env: {A: "${steps.fetch.outputs.body}"}
                    """.replace("PAYLOAD", payloadFile.toString()));
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "run", plan.toString(), "--json", "-p", "who=param:" + payload,
                    "-p", "url=http://127.0.0.1:" + server.getAddress().getPort() + "/"));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
            pb.environment().remove("PERFPLAN_DB");
            pb.redirectOutput(dir.resolve("out.json").toFile()).redirectError(dir.resolve("err.txt").toFile());
            Process p = pb.start();
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(dir.resolve("err.txt"));
            assertThat(p.exitValue()).as("exit 0: nothing called System.exit; stderr: " + err).isZero();

            JsonNode steps = new ObjectMapper().readTree(dir.resolve("out.json").toFile()).get("steps");
            String out = "out:" + payload;
            String body = "body:" + payload;
            String param = "param:" + payload;
            assertThat(stdout(steps, "whole")).isEqualTo(out + "\n" + body + "\n" + param);
            assertThat(stdout(steps, "inside")).isEqualTo("[" + out + "] [" + body + "] [" + param + "]");
            assertThat(stdout(steps, "groovy")).isEqualTo(out + "/" + body + "/" + param);
            assertThat(stdout(steps, "env")).isEqualTo(body);
            assertThat(marker).as("no payload ran a command").doesNotExist();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anEscapeOnlyVisibleAtRunTimeFailsItsStepAndRunsNothing() throws Exception {
        Path marker = dir.resolve("pwned");
        Path plan = Files.writeString(dir.resolve("runtime.yaml"), """
                plan: runtime-escape
                steps:
                  - id: sneaky
                    action: exec
                    with: {command: [echo, "${def k = 'cla' + 'ss'; def c = 'x'[k]; c ? ['touch', 'MARKER'] : 'x'}"]}
                """.replace("MARKER", marker.toString()));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", plan.toString(), "--json").directory(dir.toFile());
        pb.environment().remove("PERFPLAN_DB");
        pb.redirectOutput(dir.resolve("out.json").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isEqualTo(1);
        JsonNode step = new ObjectMapper().readTree(dir.resolve("out.json").toFile()).get("steps").get(0);
        assertThat(step.get("status").asText()).isEqualTo("failed");
        assertThat(step.get("message").asText()).contains("is not allowed in expressions").doesNotContain("Exception");
        assertThat(marker).doesNotExist();
    }

    private static String stdout(JsonNode steps, String id) {
        for (JsonNode s : steps) {
            if (s.get("id").asText().equals(id)) {
                assertThat(s.get("status").asText()).as(id + ": " + s).isEqualTo("passed");
                return s.get("outputs").get("stdout").asText();
            }
        }
        throw new AssertionError("no step " + id + " in " + steps);
    }
}
