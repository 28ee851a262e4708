package io.perfplan.actions.groovy;

import groovy.lang.Closure;
import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.MetricSpec;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.plan.InputsBinder;
import io.perfplan.plan.InputsModel;
import io.perfplan.script.ScriptActionDefinition;
import io.perfplan.script.ScriptModule;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An action defined in a Groovy script with the {@code action { ... }} DSL. Its inputs are a typed
 * map (validated against the declared inputs like a record would be), and its {@code execute}
 * closure is called with a {@link ScriptContext} and those inputs.
 */
public final class ScriptAction implements Action<Map<String, Object>> {

    private final ScriptModule module;
    private final ScriptActionDefinition definition;
    private final ActionSpec<Map<String, Object>> spec;

    ScriptAction(ScriptModule module, ScriptActionDefinition definition, ActionSpec<Map<String, Object>> spec) {
        this.module = module;
        this.definition = definition;
        this.spec = spec;
    }

    @Override
    public ActionSpec<Map<String, Object>> spec() {
        return spec;
    }

    /** Where the action is defined: {@code file:line}. */
    public String origin() {
        return definition.file() + ":" + definition.line();
    }

    @Override
    public Outcome execute(Map<String, Object> values, StepContext step) {
        Map<String, Object> inputs = InputsBinder.bindMap(values, spec.inputsModel());
        ScriptContext ctx = new ScriptContext(step, inputs, spec.metrics());
        Closure<?> body = definition.execute();
        return ScriptOutcomes.run(module, step, () -> body.getMaximumNumberOfParameters() >= 2 ? body.call(ctx, inputs) : body.call(ctx));
    }

    @Override
    public Optional<String> describe(Map<String, Object> values) {
        Map<String, Object> inputs = InputsBinder.bindMap(values, spec.inputsModel());
        return Optional.of("would run the script action defined at " + origin() + " with " + inputs);
    }

    static List<MetricSpec> metrics(ScriptActionDefinition d) {
        return d.metrics().stream().map(m -> new MetricSpec(m.name(), ScriptContext.unit(m.unit()),
                ScriptContext.direction(m.direction()), m.description())).toList();
    }

    static InputsModel inputsModel(ScriptActionDefinition d) {
        return InputsModel.ofFields(d.inputs().stream().map(i -> new InputsModel.Field(i.name(), i.type(), i.required(),
                i.description(), i.defaultValue() instanceof java.time.Duration dur ? io.perfplan.plan.Quantities.format(dur)
                        : i.defaultValue() instanceof groovy.lang.GString g ? g.toString() : i.defaultValue())).toList());
    }
}
