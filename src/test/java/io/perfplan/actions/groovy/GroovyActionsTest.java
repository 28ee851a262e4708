package io.perfplan.actions.groovy;

import static io.perfplan.actions.groovy.ScriptProject.metric;
import static io.perfplan.actions.groovy.ScriptProject.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perfplan.engine.ActionRegistry;
import io.perfplan.engine.Direction;
import io.perfplan.engine.RunReport;
import io.perfplan.engine.Status;
import io.perfplan.engine.StepReport;
import io.perfplan.engine.Unit;
import io.perfplan.plan.PlanException;
import io.perfplan.plan.Problem;
import io.perfplan.script.ScriptActionLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Script actions and the groovy action end to end: real Groovy, the real validator and engine, an H2 file in a temp dir. */
class GroovyActionsTest {

    @TempDir
    Path dir;

    private ScriptProject project;

    @BeforeEach
    void open() {
        project = new ScriptProject(dir);
    }

    @AfterEach
    void close() {
        project.close();
    }

    private static final String SCALE = """
            // scales a value; every input type a plan writes
            action {
                name 'scale'
                description 'Multiply a value.'
                input 'value', type: Double, required: true, description: 'what to scale'
                input 'factor', type: Integer, default: 2
                input 'pause', type: Duration, default: '15ms'
                input 'tags', type: List, default: []
                input 'verbose', type: Boolean, default: false
                output 'result', 'value times factor'
                metric 'result', unit: 'ms', direction: 'lower', description: 'the result as a latency'
                execute { ctx, inputs ->
                    assert inputs.pause instanceof Duration
                    ctx.sleep(inputs.pause)
                    double result = inputs.value * inputs.factor
                    ctx.output('result', result)
                    ctx.output('tags', inputs.tags.join(','))
                    ctx.output('pause_ms', inputs.pause.toMillis())
                    ctx.metric('result', result)
                    ctx.samples('runs', [result, result + 1, result + 2], 'ms')
                    if (inputs.verbose) ctx.log("scaled ${inputs.value} by ${inputs.factor}")
                }
            }
            """;

    @Test
    void scriptActionWithTypedInputsIsRegisteredAndInvoked() throws Exception {
        project.script("scale.groovy", SCALE);
        RunReport r = project.run("""
                plan: scaling
                params:
                  v: {type: number, default: 1.5}
                steps:
                  - id: twice
                    action: scale
                    with: {value: "${params.v}", tags: [a, b], verbose: true, pause: 20ms}
                  - id: thrice
                    action: scale
                    with: {value: 4, factor: 3}
                """);
        assertThat(r.status()).as(r.error()).isEqualTo(Status.PASSED);
        assertThat(step(r, "twice").outputs()).containsEntry("result", 3.0).containsEntry("tags", "a,b").containsEntry("pause_ms", 20L);
        assertThat(step(r, "thrice").outputs()).containsEntry("result", 12.0).containsEntry("pause_ms", 15L);
        StepReport.RecordedMetric m = step(r, "thrice").metrics().get(0);
        assertThat(m).isEqualTo(new StepReport.RecordedMetric("result", 12.0, Unit.MILLISECONDS, Direction.LOWER_IS_BETTER));
        assertThat(project.db.runs().metrics(r.runId())).anyMatch(x -> x.stepId().equals("thrice") && x.name().equals("result") && x.value() == 12.0);
        assertThat(project.logs).contains("twice: scaled 1.5 by 2");
        assertThat(project.db.runs().samples(r.runId())).anyMatch(x -> x.stepId().equals("thrice") && x.name().equals("runs")
                && x.unit().equals("ms") && java.util.Arrays.equals(x.values(), new double[] {12, 13, 14}));
    }

    @Test
    void wrongInputsAreCaughtAtValidationWithTheirPosition() throws Exception {
        project.script("scale.groovy", SCALE);
        assertThatThrownBy(() -> project.validate("""
                plan: bad-inputs
                steps:
                  - id: a
                    action: scale
                    with: {value: lots, pause: soon}
                  - id: b
                    action: scale
                    with: {factr: 2}
                """)).isInstanceOfSatisfying(PlanException.class, e -> assertThat(messages(e)).containsExactly(
                "5:19: 'value': expected a number, got 'lots'",
                "5:32: 'pause': " + durationError("soon"),
                "8:11: missing required input 'value' (number: what to scale)",
                "8:12: unknown input 'factr'; did you mean 'factor'?; inputs: value, factor, pause, tags, verbose"));
    }

    private static String durationError(String text) {
        try {
            io.perfplan.plan.Quantities.duration(text);
            throw new AssertionError("'" + text + "' parsed as a duration");
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static List<String> messages(PlanException e) {
        return e.problems().stream().map(p -> p.pos() + ": " + p.message()).toList();
    }

    @Test
    void compileErrorsAreReportedAtValidationAsFileLineColumn() throws Exception {
        Path bad = project.script("bad.groovy", """
                action {
                    name 'bad'
                    execute { ctx, inputs ->
                        def total = 1
                        total = total +* 2
                    }
                }
                """);
        assertThatThrownBy(() -> project.validate("""
                plan: uses-bad
                steps:
                  - id: a
                    action: bad
                """)).isInstanceOfSatisfying(PlanException.class, e -> {
                    Problem p = e.problems().get(0);
                    assertThat(p.file()).isEqualTo(bad);
                    assertThat(p.toString()).isEqualTo(bad + ":5:23: Unexpected input: '+'");
                    assertThat(e.problems().get(1).message()).startsWith("unknown action 'bad'");
                });
        // a plan that uses only built-in actions neither compiles the project's scripts nor fails on them
        int compilations = ScriptActionLoader.shared().compilations();
        project.validate("""
                plan: uses-built-ins
                steps:
                  - id: a
                    action: exec
                    with: {command: ["true"]}
                """);
        assertThat(ScriptActionLoader.shared().compilations()).isEqualTo(compilations);
    }

    @Test
    void runtimeErrorFailsTheStepWithTheScriptsFileAndLine() throws Exception {
        Path boom = project.script("boom.groovy", """
                action {
                    name 'boom'
                    execute { ctx, inputs ->
                        ctx.log('about to fail')
                        def parts = 'a,b'.split(',')
                        throw new IllegalStateException("no part ${parts.length}")
                    }
                }
                """);
        RunReport r = project.run("""
                plan: booming
                steps:
                  - id: b
                    action: boom
                """);
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(step(r, "b").message()).isEqualTo(boom + ":6: IllegalStateException: no part 2");
    }

    @Test
    void aScriptMetricIsGatedByValidate() throws Exception {
        project.script("probe.groovy", """
                action {
                    name 'probe'
                    input 'ms', type: Double, required: true
                    metric 'latency', unit: 'ms', direction: 'lower'
                    execute { ctx, inputs -> ctx.metric('latency', inputs.ms) }
                }
                """);
        String plan = """
                plan: gated
                params:
                  ms: {type: number}
                steps:
                  - id: probe
                    action: probe
                    with: {ms: "${params.ms}"}
                  - id: gate
                    action: validate
                    with: {thresholds: ["probe.latency < 0.05s"], update_baseline: never}
                """;
        RunReport fast = project.run(plan, Map.of("ms", "20"), System.getenv());
        assertThat(fast.status()).isEqualTo(Status.PASSED);
        RunReport slow = project.run(plan, Map.of("ms", "80"), System.getenv());
        assertThat(slow.status()).isEqualTo(Status.FAILED);
        assertThat(step(slow, "gate").message()).contains("probe.latency < 0.05s").contains("80");
    }

    @Test
    void groovyActionRunsInlineScriptsAndFilesWithTheStepBound() throws Exception {
        project.script("report.groovy", """
                ctx.output('from_file', "${args.who} at ${ctx.stepId}")
                ctx.metric('answer', 42, 's', 'higher')
                """);
        RunReport r = project.run("""
                plan: inline
                steps:
                  - id: first
                    action: groovy
                    with:
                      args: {n: 3}
                      script: |
                        def squares = (1..args.n).collect { it * it }
                        ctx.output('squares', squares)
                        ctx.output('text', "sum $${squares.sum()}")
                  - id: second
                    action: groovy
                    with: {file: scripts/report.groovy, args: {who: "${steps.first.outputs.text}"}}
                  - id: third
                    action: groovy
                    continue_on_error: true
                    with: {script: "ctx.fail('not today')"}
                  - id: fourth
                    action: groovy
                    continue_on_error: true
                    with: {script: "1 + 1 == 3"}
                """);
        assertThat(step(r, "first").outputs()).containsEntry("squares", List.of(1L, 4L, 9L)).containsEntry("text", "sum 14");
        assertThat(step(r, "second").outputs()).containsEntry("from_file", "sum 14 at second");
        assertThat(metric(r, "second", "answer")).isEqualTo(42.0);
        assertThat(step(r, "third").message()).isEqualTo("not today");
        assertThat(step(r, "fourth").message()).isEqualTo("inline script: the script returned false");
        assertThat(r.status()).isEqualTo(Status.PASSED);
    }

    @Test
    void groovyActionCompileErrorsAndMissingFilesShowAtValidation() throws Exception {
        assertThatThrownBy(() -> project.validate("""
                plan: broken-inline
                steps:
                  - id: a
                    action: groovy
                    with:
                      script: |
                        def x = 1
                        x = x +* 1
                  - id: b
                    action: groovy
                    with: {file: scripts/nope.groovy}
                  - id: c
                    action: groovy
                    with: {script: "1", file: x.groovy}
                """)).isInstanceOfSatisfying(PlanException.class, e -> assertThat(messages(e)).containsExactly(
                "6:7: inline script:2:7: Unexpected input: '+'",
                "11:11: scripts/nope.groovy: does not exist in " + dir.toAbsolutePath()
                        + "; `file` is relative to the project folder (the parent of plans/)",
                "14:11: set either `script` or `file` for the groovy action, not both"));
    }

    @Test
    void aGroovyClassImplementingTheActionSpiWorksToo() throws Exception {
        Path file = project.script("Hello.groovy", """
                import io.perfplan.engine.*

                record HelloInputs(String who) {}

                class Hello implements Action<HelloInputs> {
                    ActionSpec<HelloInputs> spec() {
                        new ActionSpec<HelloInputs>('hello', 'Says hello.', HelloInputs, [], [], '- id: hi\\n  action: hello\\n')
                    }

                    Outcome execute(HelloInputs inputs, StepContext ctx) {
                        ctx.output('greeting', 'hello ' + inputs.who)
                        if (inputs.who == 'nobody') {
                            throw new IllegalArgumentException('nobody to greet')
                        }
                        Outcome.pass()
                    }
                }
                """);
        RunReport r = project.run("""
                plan: spi
                steps:
                  - id: hi
                    action: hello
                    with: {who: world}
                  - id: nobody
                    action: hello
                    with: {who: nobody}
                """);
        assertThat(step(r, "hi").outputs()).containsEntry("greeting", "hello world");
        assertThat(step(r, "nobody").message()).isEqualTo(file + ":13: IllegalArgumentException: nobody to greet");
    }

    @Test
    void ctxRunsCommandsWithATimeoutMasksSecretsAndStopsWhenCancelled() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PERF_TOKEN", "s3cr3t-value");
        long start = System.nanoTime();
        RunReport r = project.run("""
                plan: ctx
                secrets: [PERF_TOKEN]
                steps:
                  - id: commands
                    action: groovy
                    with:
                      script: |
                        def ok = ctx.run(['sh', '-c', 'echo hi $PERF_TOKEN'])
                        ctx.log("said: $${ok.stdout().trim()}")
                        ctx.output('exit', ok.exitCode())
                        def slow = ctx.run('sleep 20', timeout: '300ms')
                        ctx.output('timed_out', slow.timedOut())
                  - id: loop
                    action: groovy
                    timeout: 700ms
                    continue_on_error: true
                    with:
                      script: |
                        while (!ctx.cancelled()) { Thread.sleep(10) }
                """, Map.of(), env);
        assertThat(step(r, "commands").outputs()).containsEntry("exit", 0).containsEntry("timed_out", true);
        assertThat(project.logs).contains("commands: said: hi ***").noneMatch(l -> l.contains("s3cr3t"));
        assertThat(step(r, "loop").status()).isEqualTo(Status.FAILED);
        assertThat(step(r, "loop").message()).contains("timed out after 700ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void scriptsAreCompiledOncePerContent() throws Exception {
        project.script("scale.groovy", SCALE.replace("'scale'", "'scale-once'"));
        String plan = """
                plan: once
                steps:
                  - id: s
                    action: scale-once
                    with: {value: 1}
                """;
        project.run(plan);
        int after = ScriptActionLoader.shared().compilations();
        project.run(plan);
        project.validate(plan);
        assertThat(ScriptActionLoader.shared().compilations()).isEqualTo(after);
    }

    @Test
    void clashingActionNamesAndMissingScriptsAreProblems() throws Exception {
        Path one = project.script("one.groovy", "action { name 'twin'; execute { } }\n");
        Path two = project.script("two.groovy", "\naction { name 'twin'; execute { } }\naction { name 'exec'; execute { } }\n");
        ActionRegistry r = ActionRegistry.withBuiltIns().withScripts(dir, List.of("scripts/missing.groovy"));
        assertThat(r.problems()).extracting(Problem::toString).containsExactlyInAnyOrder(
                dir.resolve("scripts/missing.groovy") + ": script file 'scripts/missing.groovy' does not exist in " + dir
                        + "; paths in `scripts:` are relative to the project folder (the parent of plans/)",
                two + ":2:1: action 'twin' is also defined at " + one + ":1; rename one of them",
                two + ":3:1: action 'exec' has the name of a built-in action; choose another name");
        assertThat(r.names()).contains("twin", "exec");
    }
}
