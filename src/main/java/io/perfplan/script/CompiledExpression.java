package io.perfplan.script;

import groovy.lang.Script;
import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.Objects;

/**
 * One expression compiled by {@link ExpressionCompiler}; immutable and safe to evaluate from many
 * threads at once (each evaluation runs on its own script object).
 */
public final class CompiledExpression {

    private final String source;
    private final SandboxedGroovy groovy;
    private final Constructor<? extends Script> constructor;

    CompiledExpression(String source, SandboxedGroovy groovy, Constructor<? extends Script> constructor) {
        this.source = source;
        this.groovy = groovy;
        this.constructor = constructor;
    }

    /** The expression text as compiled (without {@code ${ }}). */
    public String source() {
        return source;
    }

    /**
     * Evaluates the expression in the sandbox. Each key of {@code bindings} is a name in scope;
     * values may be plain data (String, Number, Boolean, List, Map, records) or functions the
     * expression can call by name: a {@link java.util.function.Supplier} for {@code success()}, a
     * {@link java.util.function.Function}, {@link java.util.function.Predicate} or
     * {@link java.util.function.BiFunction}, or a value from {@link ExpressionFunctions}.
     *
     * @return String, Number, Boolean, List, Map or null (GStrings become Strings, ranges and sets
     *     become lists); a bound value of another type is returned as is
     * @throws ExpressionException a sandbox violation, the time limit, or a failure such as a null
     *     receiver or an unknown name, with a one-sentence message
     */
    public Object evaluate(Map<String, ?> bindings) {
        Objects.requireNonNull(bindings, "bindings");
        return groovy.evaluate(constructor, bindings);
    }

    Constructor<? extends Script> constructor() {
        return constructor;
    }

    @Override
    public String toString() {
        return "${" + source + "}";
    }
}
