package io.perfplan.engine;

import io.perfplan.plan.InputsModel;
import java.util.List;

/**
 * Everything a user or an editor needs to know about an action: its inputs record (bound from the
 * step's {@code with:} block with snake_case keys), the outputs and metrics it publishes, and a
 * YAML example of a step using it. {@code inputsModel} lists the inputs as fields: derived from the
 * record, or given by actions whose inputs are a typed map (Groovy script actions, {@code inputs = Map}).
 */
public record ActionSpec<I>(String name, String description, Class<I> inputs,
                            List<OutputSpec> outputs, List<MetricSpec> metrics, String example, InputsModel inputsModel) {

    public ActionSpec {
        outputs = List.copyOf(outputs);
        metrics = List.copyOf(metrics);
        if (inputsModel == null && inputs != null) {
            if (!inputs.isRecord()) {
                throw new IllegalArgumentException("the inputs of action '" + name + "' must be a record (" + inputs.getName()
                        + " is not); declare one, e.g. `record Inputs(String url) {}`");
            }
            inputsModel = InputsModel.of(inputs);
        }
    }

    /** The usual spec: the inputs are a record, and its fields are the inputs model. */
    public ActionSpec(String name, String description, Class<I> inputs, List<OutputSpec> outputs, List<MetricSpec> metrics,
                      String example) {
        this(name, description, inputs, outputs, metrics, example, null);
    }

    /** A named step output (available to later steps as {@code steps.<id>.outputs.<name>}). */
    public record OutputSpec(String name, String description) {}
}
