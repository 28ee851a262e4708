package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Script actions as users meet them on the command line: validate, actions, schema and run --dry-run, in-process. */
class ScriptCliTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    private Result cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Path write(String relative, String text) throws Exception {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static final String PING = """
            action {
                name 'ping'
                description 'Checks that a URL answers.'
                input 'url', type: String, required: true, description: 'what to ping'
                input 'tries', type: Integer, default: 3, description: 'attempts'
                output 'status', 'the last status'
                metric 'latency', unit: 'ms', direction: 'lower', description: 'time to answer'
                execute { ctx, inputs -> ctx.output('status', 200) }
            }
            """;

    @Test
    void scriptActionsAreDocumentedValidatedAndInTheSchema() throws Exception {
        write("scripts/ping.groovy", PING);
        Path plan = write("plans/p.yaml", """
                plan: p
                steps:
                  - id: a
                    action: ping
                    with: {url: "http://127.0.0.1:1/", tries: often}
                """);
        Result bad = cli("validate", plan.toString());
        assertThat(bad.exit()).isEqualTo(ExitCode.INVALID);
        assertThat(bad.err()).contains(plan + ":5:47: 'tries': expected an integer, got 'often'");

        Files.writeString(plan, Files.readString(plan).replace("often", "2"));
        Result ok = cli("validate", plan.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        Result dry = cli("run", "--dry-run", plan.toString());
        assertThat(dry.out()).contains("a (ping): would run the script action defined at ")
                .contains("scripts/ping.groovy:1 with {url=http://127.0.0.1:1/, tries=2}");

        Result doc = cli("actions", "ping", "--project", dir.toString());
        assertThat(doc.exit()).isZero();
        assertThat(doc.out()).startsWith("ping - Checks that a URL answers.")
                .containsPattern("url +string +required\\. what to ping")
                .containsPattern("tries +integer +default 3\\. attempts")
                .containsPattern("latency +ms +lower is better +time to answer");

        Result schema = cli("schema", "--project", dir.toString());
        JsonNode root = new ObjectMapper().readTree(schema.out());
        JsonNode ping = null;
        for (JsonNode rule : root.at("/$defs/step/allOf")) {
            if (rule.at("/if/properties/action/const").asText().equals("ping")) {
                ping = rule.at("/then/properties/with");
            }
        }
        assertThat(ping).as("schema rule for ping").isNotNull();
        assertThat(ping.at("/required/0").asText()).isEqualTo("url");
        assertThat(ping.at("/properties/tries/default").asInt()).isEqualTo(3);
        assertThat(ping.at("/additionalProperties").asBoolean()).isFalse();
    }

    @Test
    void aScriptThatDoesNotCompileMakesThePlanInvalidWithItsLine() throws Exception {
        Path script = write("scripts/ping.groovy", PING.replace("ctx.output('status', 200)", "ctx.output('status', 200))"));
        Path plan = write("plans/p.yaml", """
                plan: p
                scripts: [scripts/ping.groovy]
                steps:
                  - id: a
                    action: exec
                    with: {command: ["true"]}
                """);
        Result r = cli("validate", plan.toString());
        assertThat(r.exit()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).contains(script + ":8:55: Unexpected input: ')'");

        Result listed = cli("actions", "--project", dir.toString());
        assertThat(listed.exit()).isZero();
        assertThat(listed.err()).contains("warning: " + script + ":8:55: Unexpected input: ')'");
        assertThat(listed.out()).contains("exec").doesNotContain("ping");
    }

    @Test
    void theReadmeDocumentsTheExampleScriptActionsAsTheyAre() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        var registry = Services.actions().withScripts(Path.of("").toAbsolutePath(), java.util.List.of());
        assertThat(registry.problems()).isEmpty();
        for (String name : java.util.List.of("notify", "trend-guard")) {
            assertThat(readme).as("README section of script action %s is out of date; run docs/update-readme.sh", name)
                    .contains(ActionDocs.markdown(registry.get(name).orElseThrow().spec()));
        }
    }
}
