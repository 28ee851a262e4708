package io.perfplan.script;

import groovy.lang.Closure;
import java.util.List;

/**
 * One action defined in a Groovy script with the {@code action { ... }} DSL: its documentation,
 * typed inputs, outputs, metrics and the {@code execute { ctx, inputs -> ... }} closure. Units and
 * directions are kept as written; whoever registers the action checks them.
 *
 * @param file the script's name as the user wrote it
 * @param line the line of the {@code action} call in the script
 */
public record ScriptActionDefinition(String name, String description, List<Input> inputs, List<Output> outputs,
                                     List<Metric> metrics, String example, Closure<?> execute, String file, int line) {

    public ScriptActionDefinition {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        metrics = List.copyOf(metrics);
    }

    /**
     * An input the step's {@code with:} block sets.
     *
     * @param defaultValue the value used when the step does not set it, as written in the script (e.g. {@code '5s'}); null for none
     */
    public record Input(String name, Class<?> type, boolean required, Object defaultValue, String description) {}

    /** A named output the action sets with {@code ctx.output(name, value)}. */
    public record Output(String name, String description) {}

    /**
     * A metric the action publishes with {@code ctx.metric(name, value)}.
     *
     * @param unit      a unit symbol as gates write it: {@code ms}, {@code s}, {@code us}, {@code B}, {@code %}, {@code /s}, {@code x} or empty for a count
     * @param direction {@code lower}, {@code higher} or {@code neutral}: which way is better
     */
    public record Metric(String name, String unit, String direction, String description) {}
}
