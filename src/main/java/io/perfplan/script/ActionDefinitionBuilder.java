package io.perfplan.script;

import groovy.lang.Closure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The delegate of an {@code action { ... }} block: each DSL word is one method. Mistakes (a
 * missing name or {@code execute}, a misspelled option) fail with the script's line.
 */
public final class ActionDefinitionBuilder {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Set<String> INPUT_OPTIONS = Set.of("type", "required", "default", "description");
    private static final Set<String> METRIC_OPTIONS = Set.of("unit", "direction", "description");

    private final String file;
    private final int line;
    private String name;
    private String description = "";
    private String example = "";
    private Closure<?> execute;
    private final List<ScriptActionDefinition.Input> inputs = new ArrayList<>();
    private final List<ScriptActionDefinition.Output> outputs = new ArrayList<>();
    private final List<ScriptActionDefinition.Metric> metrics = new ArrayList<>();

    ActionDefinitionBuilder(String file, int line) {
        this.file = file;
        this.line = line;
    }

    /** The name steps use in {@code action:}: lower-case letters, digits, '-' and '_'. */
    public void name(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw error("action name '" + name + "' is not valid; use lower-case letters, digits, '-' and '_', starting with a letter");
        }
        this.name = name;
    }

    /** One sentence shown by {@code perfplan actions}. */
    public void description(String text) {
        this.description = text == null ? "" : text.strip();
    }

    /** A YAML example of a step using the action. */
    public void example(String yaml) {
        this.example = yaml == null ? "" : yaml.stripIndent().strip() + "\n";
    }

    /** An optional input of type String. */
    public void input(String key) {
        input(Map.of(), key);
    }

    /** An input: {@code input 'timeout', type: Duration, default: '5s', required: false, description: '...'}. */
    public void input(Map<String, Object> options, String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw error("input name '" + key + "' is not valid; use snake_case (lower-case letters, digits and '_')");
        }
        checkOptions(options, INPUT_OPTIONS, "input '" + key + "'");
        if (inputs.stream().anyMatch(i -> i.name().equals(key))) {
            throw error("input '" + key + "' is defined twice");
        }
        Object type = options.getOrDefault("type", String.class);
        if (!(type instanceof Class<?> c)) {
            throw error("input '" + key + "': type must be a class such as String, Integer, Double, Boolean, Duration, List or Map");
        }
        boolean required = Boolean.TRUE.equals(options.get("required"));
        Object defaultValue = options.get("default");
        if (required && defaultValue != null) {
            throw error("input '" + key + "' is required and has a default; drop one of them");
        }
        Object text = options.getOrDefault("description", "");
        inputs.add(new ScriptActionDefinition.Input(key, c, required, defaultValue, String.valueOf(text)));
    }

    /** An output the action sets. */
    public void output(String key, String description) {
        outputs.add(new ScriptActionDefinition.Output(key, description == null ? "" : description));
    }

    public void output(String key) {
        output(key, "");
    }

    /** A metric: {@code metric 'latency', unit: 'ms', direction: 'lower', description: '...'}. */
    public void metric(Map<String, Object> options, String key) {
        checkOptions(options, METRIC_OPTIONS, "metric '" + key + "'");
        String direction = String.valueOf(options.getOrDefault("direction", "neutral"));
        if (!Set.of("lower", "higher", "neutral").contains(direction)) {
            throw error("metric '" + key + "': direction must be lower, higher or neutral (which way is better), not '" + direction + "'");
        }
        metrics.add(new ScriptActionDefinition.Metric(key, String.valueOf(options.getOrDefault("unit", "")), direction,
                String.valueOf(options.getOrDefault("description", ""))));
    }

    public void metric(String key) {
        metric(Map.of(), key);
    }

    /** The work: {@code execute { ctx, inputs -> ... }}. */
    public void execute(Closure<?> body) {
        this.execute = body;
    }

    ScriptActionDefinition build() {
        if (name == null) {
            throw error("the action has no name; add `name 'my-action'` to its block");
        }
        if (execute == null) {
            throw error("action '" + name + "' has no `execute { ctx, inputs -> ... }` block");
        }
        return new ScriptActionDefinition(name, description, inputs, outputs, metrics, example, execute, file, line);
    }

    private void checkOptions(Map<String, Object> options, Set<String> allowed, String what) {
        for (String k : options.keySet()) {
            if (!allowed.contains(k)) {
                throw error(what + ": unknown option '" + k + "'; options: " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    private ScriptException error(String reason) {
        return new ScriptException(file, line, 0, reason, null);
    }
}
