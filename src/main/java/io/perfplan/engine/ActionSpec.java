package io.perfplan.engine;

import java.util.List;

/**
 * Everything a user or an editor needs to know about an action: its inputs record (bound from the
 * step's {@code with:} block with snake_case keys), the outputs and metrics it publishes, and a
 * YAML example of a step using it.
 */
public record ActionSpec<I>(String name, String description, Class<I> inputs,
                            List<OutputSpec> outputs, List<MetricSpec> metrics, String example) {

    public ActionSpec {
        outputs = List.copyOf(outputs);
        metrics = List.copyOf(metrics);
    }

    /** A named step output (available to later steps as {@code steps.<id>.outputs.<name>}). */
    public record OutputSpec(String name, String description) {}
}
