package io.perfplan.cli;

import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.plan.InputsModel;
import io.perfplan.plan.Suggestions;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Lists the actions, or documents one: inputs, outputs, metrics and an example. */
@Command(name = "actions", description = "List the actions a step can use, or document one (inputs, outputs, metrics, example).")
public final class ActionsCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The action to document.")
    String name;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--markdown", description = "Print the reference as Markdown (used for the README).")
    boolean markdown;

    @Option(names = "--project", paramLabel = "DIR", description = "Also list the actions defined by DIR/scripts/*.groovy (default: the current directory).")
    java.nio.file.Path project = java.nio.file.Path.of("");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var registry = Services.actions(project, spec.commandLine().getErr());
        if (name == null) {
            if (json) {
                out.println(Json.write(registry.all().stream().map(a -> describe(a.spec())).toList()));
            } else if (markdown) {
                registry.all().forEach(a -> out.print(ActionDocs.markdown(a.spec())));
            } else {
                Reports.table(out, List.of("ACTION", "DESCRIPTION"),
                        registry.all().stream().map(a -> List.of(a.spec().name(), a.spec().description())).toList());
                out.println();
                out.println("perfplan actions NAME documents one action.");
            }
            out.flush();
            return ExitCode.OK;
        }
        Action<?> action = registry.get(name).orElseThrow(() -> new UsageException("no action '" + name + "'"
                + Suggestions.didYouMean(name, registry.names()) + "; available: " + String.join(", ", registry.names())));
        if (json) {
            out.println(Json.write(describe(action.spec())));
        } else {
            out.print(markdown ? ActionDocs.markdown(action.spec()) : ActionDocs.text(action.spec()));
        }
        out.flush();
        return ExitCode.OK;
    }

    static Map<String, Object> describe(ActionSpec<?> s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("description", s.description());
        m.put("inputs", s.inputsModel().fields().stream().map(f -> {
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("name", f.key());
            field.put("type", InputsModel.describe(f.javaType()));
            field.put("required", f.required());
            if (f.defaultValue() != null) {
                field.put("default", f.defaultValue());
            }
            field.put("description", f.description());
            return field;
        }).toList());
        m.put("outputs", s.outputs().stream().map(o -> Map.of("name", o.name(), "description", o.description())).toList());
        m.put("metrics", s.metrics().stream().map(x -> Map.of("name", x.name(), "unit", x.unit().symbol(),
                "direction", x.direction().name().toLowerCase(java.util.Locale.ROOT), "description", x.description())).toList());
        m.put("example", s.example());
        return m;
    }
}
