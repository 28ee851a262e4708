package io.perfplan.engine;

import io.perfplan.plan.Problem;
import java.nio.file.Path;
import java.util.List;

/**
 * Defines actions from a project's files (Groovy scripts) for the plans that use them. Sources are
 * found with {@link java.util.ServiceLoader} under {@code META-INF/services/io.perfplan.engine.ActionSource},
 * so the engine does not need to know how scripts are compiled.
 */
public interface ActionSource {

    /** An action a file defines, and where (the file as users see it, the line of the definition). */
    record Defined(Action<?> action, Path file, int line) {}

    /** What some files define, and every problem in them as {@code file:line:col: message}. */
    record Loaded(List<Defined> actions, List<Problem> problems) {
        public Loaded {
            actions = List.copyOf(actions);
            problems = List.copyOf(problems);
        }
    }

    /** Whether this source reads files like this one (e.g. {@code *.groovy}). */
    boolean accepts(Path file);

    /**
     * Loads the actions the files define. Files are named as users should see them (relative to the
     * working directory when inside it); a broken file yields problems, never an exception.
     */
    Loaded load(List<Path> files);
}
