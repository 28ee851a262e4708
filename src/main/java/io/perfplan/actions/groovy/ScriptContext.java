package io.perfplan.actions.groovy;

import io.perfplan.core.sampling.CommandLaunchException;
import io.perfplan.core.sampling.CommandResult;
import io.perfplan.core.sampling.CommandRunner;
import io.perfplan.core.sampling.CommandSpec;
import io.perfplan.engine.Direction;
import io.perfplan.engine.MetricSpec;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;
import io.perfplan.plan.Quantities;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a script sees of its step, as {@code ctx}: the typed inputs, a logger whose lines have
 * secrets masked, metrics, samples and outputs, an HTTP client, a command runner with a timeout,
 * read-only run history and cancellation. It is the same {@link StepContext} built-in actions use,
 * in a Groovy-friendly shape.
 */
public final class ScriptContext {

    private static final CommandRunner RUNNER = new CommandRunner();

    private final StepContext step;
    private final Map<String, Object> inputs;
    private final Map<String, MetricSpec> declared;
    private final ScriptHttp http;

    ScriptContext(StepContext step, Map<String, Object> inputs, List<MetricSpec> declared) {
        this.step = step;
        this.inputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
        this.declared = new HashMap<>();
        declared.forEach(m -> this.declared.put(m.name(), m));
        this.http = new ScriptHttp(step);
    }

    /** The step's inputs, typed (durations as {@link Duration}, numbers as numbers), defaults applied. */
    public Map<String, Object> getInputs() {
        return inputs;
    }

    public String getRunId() {
        return step.runId();
    }

    public String getPlan() {
        return step.planName();
    }

    public String getStepId() {
        return step.stepId();
    }

    public int getAttempt() {
        return step.attempt();
    }

    /** The project folder relative paths resolve against. */
    public Path getWorkDir() {
        return step.workDir();
    }

    /** The environment child processes get (perfplan's plus the plan's {@code env:}). */
    public Map<String, String> getEnv() {
        return step.environment();
    }

    /** Writes a progress line; secret values are replaced by {@code ***}. */
    public void log(Object message) {
        step.log(String.valueOf(message));
    }

    /** The text with every secret value replaced by {@code ***}. */
    public String mask(Object text) {
        return step.mask(String.valueOf(text));
    }

    /** Publishes a metric declared by the action (its unit and direction), or a plain count when undeclared. */
    public void metric(String name, Number value) {
        MetricSpec m = declared.get(name);
        step.metric(name, value.doubleValue(), m == null ? Unit.COUNT : m.unit(), m == null ? Direction.NEUTRAL : m.direction());
    }

    /** Publishes a metric in a unit ({@code ms}, {@code s}, {@code %}, {@code /s}, {@code B}, {@code x}, or empty for a count). */
    public void metric(String name, Number value, String unit) {
        MetricSpec m = declared.get(name);
        step.metric(name, value.doubleValue(), unit(unit), m == null ? Direction.NEUTRAL : m.direction());
    }

    /** Publishes a metric with a unit and which way is better ({@code lower}, {@code higher}, {@code neutral}). */
    public void metric(String name, Number value, String unit, String direction) {
        step.metric(name, value.doubleValue(), unit(unit), direction(direction));
    }

    /** Stores raw values so statistics (and regression tests in {@code validate}) can use them later. */
    public void samples(String name, List<? extends Number> values, String unit) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).doubleValue();
        }
        step.samples(name, v, unit(unit));
    }

    /** Sets an output later steps read as {@code steps.<id>.outputs.<name>}. */
    public void output(String name, Object value) {
        step.output(name, value instanceof groovy.lang.GString g ? g.toString() : value);
    }

    /** An HTTP client; see {@link ScriptHttp}. */
    public ScriptHttp getHttp() {
        return http;
    }

    /** Read-only run history; see {@link ScriptHistory}. */
    public ScriptHistory getHistory() {
        long run;
        try {
            run = Long.parseLong(step.runId());
        } catch (NumberFormatException e) {
            run = Long.MAX_VALUE;
        }
        return new ScriptHistory(step.history(), step.planName(), run);
    }

    /** Runs a command (argv list) with the step's environment in the project folder; see {@link #run(Map, Object)}. */
    public CommandResult run(Object command) throws CommandLaunchException {
        return run(Map.of(), command);
    }

    /**
     * Runs a command: an argv list, or a string run by {@code sh -c}. Options: {@code timeout}
     * ("30s"; default and limit: the step's time left), {@code cwd} (relative to the project),
     * {@code env} (added variables). The process ends with the step when it is cancelled. Returns
     * the exit code, output (at most 1 MiB each), wall and CPU time; a non-zero exit is not an error.
     */
    public CommandResult run(Map<String, Object> options, Object command) throws CommandLaunchException {
        for (String k : options.keySet()) {
            if (!java.util.Set.of("timeout", "cwd", "env").contains(k)) {
                throw new IllegalArgumentException("unknown command option '" + k + "'; options: cwd, env, timeout");
            }
        }
        List<String> argv = command instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                : List.of("sh", "-c", String.valueOf(command));
        Map<String, String> env = new HashMap<>(step.environment());
        if (options.get("env") instanceof Map<?, ?> extra) {
            extra.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        }
        Path cwd = options.get("cwd") == null ? step.workDir() : step.workDir().resolve(String.valueOf(options.get("cwd")));
        Duration timeout = step.remaining();
        if (options.get("timeout") != null) {
            Duration asked = duration(options.get("timeout"));
            timeout = asked.compareTo(timeout) < 0 ? asked : timeout;
        }
        return RUNNER.run(new CommandSpec(argv, cwd, env, timeout, CommandSpec.DEFAULT_CAPTURE_LIMIT_BYTES), step::track);
    }

    /** True once the run is cancelled or the step's timeout is reached; loops should stop then. */
    public boolean cancelled() {
        return step.cancelled();
    }

    /** Time left before the step's timeout. */
    public Duration remaining() {
        return step.remaining();
    }

    /** Waits ("500ms" or a Duration), returning early with a failure when the step is cancelled. */
    public void sleep(Object duration) throws InterruptedException {
        long end = System.nanoTime() + duration(duration).toNanos();
        while (System.nanoTime() < end) {
            if (step.cancelled()) {
                throw new ScriptFailure("cancelled");
            }
            Thread.sleep(Math.max(1, Math.min(50, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    /** Fails the step with this message (a gate's verdict, not a bug: no script line is added). */
    public void fail(Object message) {
        throw new ScriptFailure(step.mask(String.valueOf(message)));
    }

    /** A value as JSON text. */
    public String json(Object value) {
        return ScriptJson.write(value);
    }

    /** JSON text as maps, lists and values. */
    public Object parseJson(String text) {
        return ScriptJson.parse(text);
    }

    static Unit unit(String symbol) {
        try {
            return symbol == null || symbol.isEmpty() ? Unit.COUNT : Unit.fromSymbol(symbol);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown unit '" + symbol + "'; use one of ms, s, us, B, %, /s, x, or '' for a count", e);
        }
    }

    static Direction direction(String word) {
        return switch (word == null ? "neutral" : word) {
            case "lower" -> Direction.LOWER_IS_BETTER;
            case "higher" -> Direction.HIGHER_IS_BETTER;
            case "neutral" -> Direction.NEUTRAL;
            default -> throw new IllegalArgumentException("direction must be lower, higher or neutral, not '" + word + "'");
        };
    }

    private static Duration duration(Object value) {
        return value instanceof Duration d ? d : Quantities.duration(String.valueOf(value));
    }
}
