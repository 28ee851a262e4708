package io.perfplan.actions.groovy;

import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.script.ScriptModule;
import java.util.concurrent.Callable;

/** Runs script code for a step and turns what happens into an {@link Outcome} users can read. */
final class ScriptOutcomes {

    private ScriptOutcomes() {}

    /**
     * Calls the code. It passes unless it returns {@code false} or an {@link Outcome} that fails,
     * calls {@code ctx.fail(...)}, or throws: then the message names the script's file and line.
     */
    static Outcome run(ScriptModule module, StepContext step, Callable<Object> code) {
        Object result;
        try {
            result = code.call();
        } catch (ScriptFailure f) {
            return Outcome.fail(f.getMessage());
        } catch (Throwable t) {
            if (step.cancelled()) {
                return Outcome.fail("cancelled");
            }
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = unwrap(t);
            if (cause instanceof ScriptFailure f) {
                return Outcome.fail(f.getMessage());
            }
            return Outcome.fail(step.mask(module.runtimeError(cause).getMessage()));
        }
        if (result instanceof Outcome o) {
            return o;
        }
        if (Boolean.FALSE.equals(result)) {
            return Outcome.fail(module.name() + ": the script returned false");
        }
        return Outcome.pass();
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof org.codehaus.groovy.runtime.InvokerInvocationException
                || c instanceof java.lang.reflect.InvocationTargetException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
