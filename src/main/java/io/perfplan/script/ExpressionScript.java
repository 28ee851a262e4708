package io.perfplan.script;

import groovy.lang.Binding;
import groovy.lang.Script;

/**
 * Base class of every compiled expression. Compiled code reaches names and functions only through
 * {@link SandboxGuard}; these overrides close the script object's own dynamic doors as a second
 * line (no {@code println}, no {@code evaluate}, no writes to the bindings).
 *
 * <p>Public only because compiled expressions live in their own class loader; not an API.
 */
public abstract class ExpressionScript extends Script {

    protected ExpressionScript() {
    }

    protected ExpressionScript(Binding binding) {
        super(binding);
    }

    private long limitMillis;
    private long deadlineNanos;
    private boolean clockStarted;

    /** Starts the time limit of this evaluation; each closure call checks it ({@link #checkClock()}). */
    void startClock(long limitMillis) {
        this.limitMillis = limitMillis;
        this.deadlineNanos = System.nanoTime() + limitMillis * 1_000_000L;
        this.clockStarted = true;
    }

    void checkClock() {
        if (clockStarted && System.nanoTime() - deadlineNanos > 0) {
            throw new ExpressionException(ExpressionException.Kind.TIMEOUT,
                    "Expression ran longer than " + limitMillis + " ms and was stopped; make it do less work.");
        }
    }

    @Override
    public Object getProperty(String name) {
        return SandboxGuard.variable(this, name);
    }

    @Override
    public void setProperty(String name, Object value) {
        throw new ExpressionException(ExpressionException.Kind.SANDBOX,
                "Expressions may not assign to '" + name + "'; declare a local variable with def instead.");
    }

    @Override
    public Object invokeMethod(String name, Object args) {
        Object[] arguments = args instanceof Object[] array ? array : new Object[] {args};
        return SandboxGuard.call(this, name, arguments);
    }

    @Override
    public Object evaluate(String expression) {
        throw SandboxGuard.deniedMethod("evaluate");
    }

    @Override
    public void println() {
        throw SandboxGuard.deniedMethod("println");
    }

    @Override
    public void println(Object value) {
        throw SandboxGuard.deniedMethod("println");
    }

    @Override
    public void print(Object value) {
        throw SandboxGuard.deniedMethod("print");
    }
}
