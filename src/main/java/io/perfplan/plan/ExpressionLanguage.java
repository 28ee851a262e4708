package io.perfplan.plan;

import java.util.Map;

/**
 * The full expression language behind {@link Expressions}: Groovy, sandboxed, provided by
 * {@code io.perfplan.script}. Loaded only when an expression is more than a plain reference.
 */
public interface ExpressionLanguage {

    /** Compiles (and caches) the expression; throws {@link ExpressionError} for syntax errors and sandbox violations. */
    void check(String source);

    /** Evaluates in the sandbox; throws {@link ExpressionError} on failure. */
    Object evaluate(String source, Map<String, Object> scope);

    /** One sentence saying what is wrong with an expression. */
    class ExpressionError extends RuntimeException {
        public ExpressionError(String message) {
            super(message);
        }
    }
}
