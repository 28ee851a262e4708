package io.perfplan.actions.groovy;

/** Thrown by {@code ctx.fail(message)}: the step fails with exactly this message (no script line, it is not a bug). */
public final class ScriptFailure extends RuntimeException {

    public ScriptFailure(String message) {
        super(message, null, false, false);
    }
}
