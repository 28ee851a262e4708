package io.perfplan.actions.groovy;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** Inputs of the {@code groovy} action: inline code or a file, and values passed to it. */
public record GroovyInputs(
        @JsonPropertyDescription("Inline Groovy code; `ctx` is the step (log, metric, output, http, run, history, fail) and `args` the values below. Write `$${` for a Groovy `${` (a plan expression otherwise).")
        String script,
        @JsonPropertyDescription("A .groovy file to run instead, relative to the project folder (the parent of plans/).")
        String file,
        @JsonPropertyDescription("Values the script reads as `args` (may hold plan expressions, e.g. `${steps.load.metrics.throughput}`).")
        Map<String, Object> args) {

    public GroovyInputs {
        if ((script == null) == (file == null)) {
            throw new IllegalArgumentException(script == null
                    ? "the groovy action needs `script` (inline code) or `file` (a .groovy path); set one of them"
                    : "set either `script` or `file` for the groovy action, not both");
        }
        if (script != null && script.isBlank()) {
            throw new IllegalArgumentException("`script` is empty; write the Groovy code to run, or use `file`");
        }
        args = args == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
    }
}
