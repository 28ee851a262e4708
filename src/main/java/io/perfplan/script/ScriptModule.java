package io.perfplan.script;

import groovy.lang.Binding;
import groovy.lang.Script;
import java.util.ArrayList;
import java.util.List;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.codehaus.groovy.runtime.InvokerInvocationException;

/**
 * One compiled Groovy file (or inline script): its classes, and, when its top level calls
 * {@code action { ... }}, the actions it defines. The top level of a defining script runs once,
 * on the first call of {@link #definitions()}. Instances are shared; they are immutable after that.
 */
public final class ScriptModule {

    private final String name;
    private final String sha256;
    private final Class<?> mainClass;
    private final List<Class<?>> classes;
    private final boolean definesActions;
    private volatile List<ScriptActionDefinition> definitions;

    ScriptModule(String name, String sha256, Class<?> mainClass, List<Class<?>> classes, boolean definesActions) {
        this.name = name;
        this.sha256 = sha256;
        this.mainClass = mainClass;
        this.classes = List.copyOf(classes);
        this.definesActions = definesActions;
    }

    /** The name errors use: the script's path as the user wrote it, or a description of an inline script. */
    public String name() {
        return name;
    }

    /** SHA-256 of the source text, hex. */
    public String sha256() {
        return sha256;
    }

    /** True when the top level calls {@code action { ... }}: the file defines actions rather than being run as a step. */
    public boolean definesActions() {
        return definesActions;
    }

    /** Every class the file declares (the script class first, when it is a script). */
    public List<Class<?>> classes() {
        return classes;
    }

    /** Whether the file has a top level that can run (it is a script, not only class declarations). */
    public boolean isScript() {
        return Script.class.isAssignableFrom(mainClass);
    }

    /**
     * The actions the file defines, running its top level the first time; empty when it defines none.
     *
     * @throws ScriptException when an {@code action} block is wrong or the top level fails, with the line
     */
    public List<ScriptActionDefinition> definitions() {
        List<ScriptActionDefinition> d = definitions;
        if (d == null) {
            synchronized (this) {
                d = definitions;
                if (d == null) {
                    d = definesActions ? runDefinitions() : List.of();
                    definitions = d;
                }
            }
        }
        return d;
    }

    private List<ScriptActionDefinition> runDefinitions() {
        ActionScript script = (ActionScript) newScript(new Binding());
        try {
            script.run();
        } catch (ScriptException e) {
            throw e;
        } catch (Throwable e) {
            throw runtimeError(e);
        }
        return script.defined();
    }

    /** A fresh instance of the script with the given variables, ready to {@code run()}. */
    public Script newScript(Binding binding) {
        if (!isScript()) {
            throw new ScriptException(name, 0, 0, "declares only classes; there is no top-level code to run", null);
        }
        Script s = InvokerHelper.createScript(mainClass, binding);
        if (s instanceof ActionScript a) {
            a.sourceName(name);
        }
        return s;
    }

    /**
     * Describes an exception thrown by this script's code as {@code file:line: Type: message}: the
     * line is that of the innermost frame in the script, so users see their line, not a Groovy stack.
     */
    public ScriptException runtimeError(Throwable failure) {
        Throwable t = failure;
        while (t instanceof InvokerInvocationException && t.getCause() != null) {
            t = t.getCause();
        }
        int line = lineIn(t);
        String message = t.getMessage() == null ? "" : firstLine(t.getMessage());
        String type = t.getClass().getSimpleName();
        String reason = t instanceof AssertionError ? "assert failed: " + message
                : message.isEmpty() ? type : type + ": " + message;
        return new ScriptException(name, line, 0, reason, t);
    }

    /** The line of the innermost frame of this script in the exception's stack (causes included), 0 when none. */
    public int lineIn(Throwable failure) {
        List<String> names = new ArrayList<>();
        classes.forEach(c -> names.add(c.getName()));
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getLineNumber() > 0 && belongs(e.getClassName(), names)) {
                    return e.getLineNumber();
                }
            }
        }
        return 0;
    }

    private boolean belongs(String className, List<String> names) {
        for (String n : names) {
            if (className.equals(n) || className.startsWith(n + "$")) {
                return true;
            }
        }
        return className.equals(mainClass.getName()) || className.startsWith(mainClass.getName() + "$");
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
