package io.perfplan.cli;

import io.perfplan.engine.Action;
import io.perfplan.plan.InputsModel;
import io.perfplan.plan.PlanFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** Prints the JSON Schema of plans, generated from the plan format and the actions' inputs records. */
@Command(name = "schema", description = "Print the JSON Schema of plans (for editors: validation and completion of plan files).")
public final class SchemaCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Option(names = "--project", paramLabel = "DIR",
            description = "Include the actions defined by DIR/scripts/*.groovy (default: the current directory).")
    java.nio.file.Path project = java.nio.file.Path.of("");

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Json.write(schema(Services.actions(project, spec.commandLine().getErr()))));
        return ExitCode.OK;
    }

    static Map<String, Object> schema(io.perfplan.engine.ActionRegistry actions) {
        Map<String, Object> defs = new LinkedHashMap<>();
        for (Map.Entry<String, List<PlanFormat.Field>> shape : PlanFormat.shapes().entrySet()) {
            if (!shape.getKey().equals("plan")) {
                defs.put(shape.getKey(), object(shape.getValue()));
            }
        }
        defs.put("duration", Map.of("type", "string", "pattern", "^(\\d+(\\.\\d+)?(ns|us|ms|s|m|h|d))+$"));
        defs.put("params", Map.of("type", "object", "additionalProperties", Map.of("$ref", "#/$defs/param")));
        defs.put("steps", Map.of("type", "array", "items", Map.of("anyOf", List.of(
                Map.of("$ref", "#/$defs/step"), Map.of("$ref", "#/$defs/parallel")))));
        // each action's `with` is checked against its inputs record
        @SuppressWarnings("unchecked")
        Map<String, Object> step = (Map<String, Object>) defs.get("step");
        List<Object> byAction = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Action<?> a : actions.all()) {
            names.add(a.spec().name());
            byAction.add(Map.of(
                    "if", Map.of("properties", Map.of("action", Map.of("const", a.spec().name())), "required", List.of("action")),
                    "then", Map.of("properties", Map.of("with", a.spec().inputsModel().jsonSchema()))));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> props = (Map<String, Object>) step.get("properties");
        props.put("action", Map.of("enum", names, "description", "The action to invoke."));
        step.put("allOf", byAction);
        Map<String, Object> root = object(PlanFormat.PLAN);
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", "https://perfplan.io/schema/plan-v1.json");
        schema.put("title", "perfplan plan (v1)");
        schema.putAll(root);
        schema.put("$defs", defs);
        return schema;
    }

    private static Map<String, Object> object(List<PlanFormat.Field> fields) {
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (PlanFormat.Field f : fields) {
            Map<String, Object> p = new LinkedHashMap<>(type(f.type()));
            p.put("description", f.description());
            props.put(f.name(), p);
            if (f.required()) {
                required.add(f.name());
            }
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "object");
        o.put("properties", props);
        o.put("required", required);
        o.put("additionalProperties", false);
        return o;
    }

    private static Map<String, Object> type(String t) {
        if (t.startsWith("enum:")) {
            return Map.of("enum", List.of(t.substring(5).split(",")));
        }
        return switch (t) {
            case "id" -> Map.of("type", "string", "pattern", "^" + PlanFormat.ID_PATTERN + "$");
            case "string", "expression" -> Map.of("type", "string");
            case "boolean" -> Map.of("type", "boolean");
            case "integer" -> Map.of("type", "integer");
            case "number" -> Map.of("type", "number");
            case "object" -> Map.of("type", "object");
            case "any" -> Map.of();
            case "string-list" -> Map.of("type", "array", "items", Map.of("type", "string"));
            case "duration" -> Map.of("$ref", "#/$defs/duration");
            default -> Map.of("$ref", "#/$defs/" + t);
        };
    }
}
