package io.perfplan.actions.groovy;

import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSource;
import io.perfplan.engine.ActionSpec;
import io.perfplan.plan.DataSize;
import io.perfplan.plan.InputsBinder;
import io.perfplan.plan.InputsModel;
import io.perfplan.plan.Percent;
import io.perfplan.plan.Pos;
import io.perfplan.plan.Problem;
import io.perfplan.script.ScriptActionDefinition;
import io.perfplan.script.ScriptActionLoader;
import io.perfplan.script.ScriptException;
import io.perfplan.script.ScriptModule;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads actions from {@code *.groovy} files: every {@code action { ... }} block, and every public
 * class implementing {@link Action}. Files are compiled once per content by the shared
 * {@link ScriptActionLoader}; files that define nothing (scripts the {@code groovy} action runs) are
 * only compiled, so their errors show at validation too.
 */
public final class GroovyActionSource implements ActionSource {

    private static final Set<Class<?>> INPUT_TYPES = Set.of(String.class, Integer.class, int.class, Long.class, long.class,
            Double.class, double.class, BigDecimal.class, Boolean.class, boolean.class, Duration.class, DataSize.class,
            Percent.class, List.class, Map.class);

    @Override
    public boolean accepts(Path file) {
        return file.getFileName().toString().endsWith(".groovy");
    }

    @Override
    public Loaded load(List<Path> files) {
        List<Defined> actions = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Path file : files) {
            String name = file.toString();
            try {
                ScriptModule module = ScriptActionLoader.shared().load(file, name);
                for (ScriptActionDefinition d : module.definitions()) {
                    try {
                        actions.add(new Defined(adapt(module, d), file, d.line()));
                    } catch (IllegalArgumentException e) {
                        problems.add(new Problem(file, new Pos(d.line(), 1), "action '" + d.name() + "': " + e.getMessage()));
                    }
                }
                for (Class<?> c : module.classes()) {
                    if (Action.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
                        actions.add(new Defined(instantiate(c, module), file, 1));
                    }
                }
            } catch (ScriptException e) {
                problems.add(new Problem(file, e.line() > 0 ? new Pos(e.line(), Math.max(1, e.column())) : Pos.NONE, e.reason()));
            }
        }
        return new Loaded(actions, problems);
    }

    private static ScriptAction adapt(ScriptModule module, ScriptActionDefinition d) {
        for (ScriptActionDefinition.Input i : d.inputs()) {
            if (!INPUT_TYPES.contains(i.type()) && !i.type().isEnum()) {
                throw new IllegalArgumentException("input '" + i.name() + "' has type " + i.type().getSimpleName()
                        + ", which a plan cannot write; use String, Integer, Long, Double, BigDecimal, Boolean, Duration, DataSize, Percent, List, Map or an enum");
            }
        }
        InputsModel model = ScriptAction.inputsModel(d);
        try {
            InputsBinder.bindMap(Map.of(), InputsModel.ofFields(model.fields().stream()
                    .map(f -> new InputsModel.Field(f.key(), f.javaType(), false, f.description(), f.defaultValue())).toList()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a default value does not fit its type: " + e.getMessage(), e);
        }
        ActionSpec<Map<String, Object>> spec = new ActionSpec<>(d.name(),
                d.description().isEmpty() ? "Defined in " + d.file() + "." : d.description(), mapType(),
                d.outputs().stream().map(o -> new ActionSpec.OutputSpec(o.name(), o.description())).toList(),
                ScriptAction.metrics(d), d.example().isBlank() ? example(d) : d.example(), model);
        return new ScriptAction(module, d, spec);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<Map<String, Object>> mapType() {
        return (Class) Map.class;
    }

    private static String example(ScriptActionDefinition d) {
        StringBuilder b = new StringBuilder("- id: " + d.name().replace('-', '_') + "\n  action: " + d.name() + "\n");
        List<ScriptActionDefinition.Input> required = d.inputs().stream().filter(ScriptActionDefinition.Input::required).toList();
        if (!required.isEmpty()) {
            b.append("  with:\n");
            required.forEach(i -> b.append("    ").append(i.name()).append(": ...\n"));
        }
        return b.toString();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Action<?> instantiate(Class<?> c, ScriptModule module) {
        Action<?> a;
        try {
            a = (Action<?>) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ScriptException(module.name(), module.lineIn(cause), 0, "class " + c.getSimpleName()
                    + " implements Action but cannot be created with a public no-argument constructor: " + cause, cause);
        }
        try {
            a.spec();
        } catch (RuntimeException e) {
            throw module.runtimeError(e);
        }
        return new ScriptClassAction(a, module);
    }
}
