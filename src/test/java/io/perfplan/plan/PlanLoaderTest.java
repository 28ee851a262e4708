package io.perfplan.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perfplan.engine.ActionRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class PlanLoaderTest {

    @TempDir
    Path dir;

    private final PlanValidator validator = new PlanValidator(ActionRegistry.withBuiltIns(), new Expressions(() -> {
        throw new AssertionError("plain expressions must not need Groovy");
    }));

    private Path write(String yaml) throws Exception {
        Path p = dir.resolve("plan.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    private List<String> problems(String yaml) throws Exception {
        Path p = write(yaml);
        try {
            validator.loadAndValidate(p);
            return List.of();
        } catch (PlanException e) {
            return e.problems().stream().map(x -> x.pos() + ": " + x.message()).toList();
        }
    }

    @Test
    void loadsAValidPlanWithPositions() throws Exception {
        Plan plan = validator.loadAndValidate(write("""
                plan: demo
                params:
                  who: {default: world}
                steps:
                  - id: a
                    action: exec
                    with: {command: [echo, "${params.who}"]}
                  - parallel:
                      - id: b
                        action: exec
                        with: {command: [true]}
                      - id: c
                        action: exec
                        with: {command: [true]}
                finally:
                  - id: z
                    action: exec
                    with: {command: [true]}
                """));
        assertThat(plan.name()).isEqualTo("demo");
        assertThat(plan.allSteps()).extracting(Step::id).containsExactly("a", "b", "c", "z");
        assertThat(plan.positions().of("steps[0].with.command")).isEqualTo(new Pos(7, 21));
        assertThat(plan.positions().of("steps[1].parallel[1].id")).isEqualTo(new Pos(12, 13));
    }

    @Test
    void listsEveryProblemWithLineAndColumn() throws Exception {
        List<String> problems = problems("""
                plan: Bad Name
                stesp: []
                steps:
                  - id: a
                    action: exce
                    with: {command: [true]}
                  - id: a
                    action: exec
                    timeout: soon
                    with: {comand: [true]}
                  - id: c
                    action: exec
                    retry: {attempts: 0}
                    with: {command: [true], expect_exit: "zero"}
                """);
        assertThat(problems).contains(
                "1:7: 'Bad Name' is not a valid plan; use lower-case letters, digits, '-' and '_', starting with a letter or digit",
                "2:1: unknown key 'stesp' in plan; did you mean 'steps'?",
                "5:13: unknown action 'exce'; did you mean 'exec'?; available: " + String.join(", ", ActionRegistry.withBuiltIns().names()),
                "7:9: step id 'a' is used twice; step ids must be unique",
                "9:14: 'soon' is not a duration; write e.g. 250ms, 10s, 5m, 1h or 1m30s",
                "10:12: unknown input 'comand'; did you mean 'command'?; inputs: command, shell, cwd, env, timeout, expect_exit",
                "13:23: `attempts` must be a whole number from 1 to 1000",
                "14:42: 'expect_exit': expected an integer, got 'zero'");
    }

    @Test
    void reportsMissingFieldsAndWrongTypes() throws Exception {
        assertThat(problems("""
                plan: x
                steps:
                  - id: a
                    action: exec
                  - id: b
                  - action: exec
                    with: {command: [true]}
                  - id: d
                    action: exec
                    with: {command: [true], shell: maybe}
                """)).contains(
                "3:5: missing required input 'command' (list of string: The command: a list [program, arg, ...], or one string run by `sh -c` when shell is true.)",
                "5:5: the step 'b' has no `action:`; see `perfplan actions`",
                "6:5: step is missing `id:` (Unique step id; later steps and gates refer to it.)",
                "10:36: 'shell': expected a boolean, got 'maybe'");
    }

    @Test
    void rejectsReferencesToMissingAndLaterSteps() throws Exception {
        assertThat(problems("""
                plan: x
                steps:
                  - id: a
                    action: exec
                    with: {command: [echo, "${steps.b.outputs.stdout}"]}
                  - id: b
                    action: exec
                    if: failed('gaet')
                    with: {command: [true]}
                """)).containsExactly(
                "5:28: step 'a' refers to step 'b', which runs later or at the same time; move 'b' before 'a'",
                "8:9: no step 'gaet' in this plan");
    }

    @Test
    void checksCronAndUnclosedExpressions() throws Exception {
        assertThat(problems("""
                plan: x
                schedule: {cron: "0 0 25 * * ?"}
                steps:
                  - id: a
                    action: exec
                    with: {command: [echo, "${params.x"]}
                """)).containsExactly(
                "2:18: invalid cron expression '0 0 25 * * ?': Hour values must be between 0 and 23 (Quartz format: seconds minutes hours day-of-month month day-of-week, e.g. \"0 0 2 * * ?\")",
                "6:28: unclosed '${' at column 1; close it with '}' or write '$${' for a literal");
    }

    @Test
    @Timeout(5)
    void rejectsHostileYamlQuickly() throws Exception {
        String bomb = """
                a: &a ["x","x","x","x","x","x","x","x","x"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                """;
        assertThat(problems(bomb)).singleElement().asString().contains("aliases");
        assertThat(problems("plan: !!java.lang.Runtime x\nsteps: []\n")).singleElement().asString()
                .contains("1:7: the tag !!java.lang.Runtime is not allowed; plans use plain YAML values only (remove the tag)");
        assertThat(problems("plan: !<tag:x> y\n")).singleElement().asString().contains("is not allowed");
        assertThat(problems("a: " + "[".repeat(5000) + "]".repeat(5000) + "\n")).singleElement().asString()
                .contains("nesting");
        Path bin = dir.resolve("binary.yaml");
        Files.write(bin, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, (byte) 0xff, (byte) 0xfe});
        assertThatThrownBy(() -> validator.loadAndValidate(bin)).isInstanceOf(PlanException.class)
                .hasMessageContaining("binary");
        assertThat(problems("")).singleElement().asString().contains("empty");
    }

    @Test
    void rendersTemplatesKeepingTypes() {
        Expressions ex = new Expressions(() -> {
            throw new AssertionError("no Groovy");
        });
        var scope = new java.util.HashMap<String, Object>();
        scope.put("params", java.util.Map.of("n", 5L, "who", "x"));
        scope.put("steps", java.util.Map.of("load-test", java.util.Map.of("metrics", java.util.Map.of("latency.p99", 12.5))));
        scope.put("failed", (java.util.function.Function<String, Boolean>) id -> id.equals("gate"));
        assertThat(Template.parse("${params.n}").render(ex, scope)).isEqualTo(5L);
        assertThat(Template.parse("n=${params.n}!").render(ex, scope)).isEqualTo("n=5!");
        assertThat(Template.parse("$${params.n}").render(ex, scope)).isEqualTo("${params.n}");
        assertThat(Template.parse("${steps.load-test.metrics.latency.p99}").render(ex, scope)).isEqualTo(12.5);
        assertThat(Template.parse("${steps['load-test'].metrics['latency.p99']}").render(ex, scope)).isEqualTo(12.5);
        assertThat(Template.parse("${failed('gate')}").render(ex, scope)).isEqualTo(true);
        assertThat(Template.parse("${!failed('gate')}").render(ex, scope)).isEqualTo(false);
        // a value that looks like a template is data once rendered: never evaluated again
        scope.put("params", java.util.Map.of("evil", "${System.exit(1)}"));
        assertThat(Template.parse("${params.evil}").render(ex, scope)).isEqualTo("${System.exit(1)}");
    }

    @Test
    void parsesQuantities() {
        assertThat(Quantities.duration("250ms").toMillis()).isEqualTo(250);
        assertThat(Quantities.duration("1m30s").toSeconds()).isEqualTo(90);
        assertThat(Quantities.duration("90d").toDays()).isEqualTo(90);
        assertThat(Quantities.bytes("1GiB")).isEqualTo(1L << 30);
        assertThat(Quantities.bytes("512MB")).isEqualTo(512_000_000L);
        assertThat(Quantities.percent("0.5%")).isEqualTo(0.5);
        assertThatThrownBy(() -> Quantities.duration("10 parsecs")).hasMessageContaining("not a duration");
        assertThat(new String("é".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo("é");
    }
}
