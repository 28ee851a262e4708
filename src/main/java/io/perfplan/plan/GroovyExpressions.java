package io.perfplan.plan;

import io.perfplan.script.ExpressionCompiler;
import io.perfplan.script.ExpressionException;
import io.perfplan.script.ExpressionFunctions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** The full expression language: sandboxed Groovy from {@code io.perfplan.script}, compiled once per text. */
public final class GroovyExpressions implements ExpressionLanguage {

    private final ExpressionCompiler compiler = new ExpressionCompiler();

    @Override
    public void check(String source) {
        try {
            compiler.compile(source);
        } catch (ExpressionException e) {
            throw new ExpressionError(e.getMessage());
        }
    }

    @Override
    public Object evaluate(String source, Map<String, Object> scope) {
        Map<String, Object> bindings = new LinkedHashMap<>();
        scope.forEach((k, v) -> bindings.put(k, v instanceof Supplier<?> s ? ExpressionFunctions.of(s)
                : v instanceof Function<?, ?> f ? ExpressionFunctions.of(f) : v));
        try {
            return compiler.compile(source).evaluate(bindings);
        } catch (ExpressionException e) {
            throw new ExpressionError(e.getMessage());
        }
    }
}
