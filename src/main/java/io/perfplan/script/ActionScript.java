package io.perfplan.script;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import groovy.lang.Script;
import java.util.ArrayList;
import java.util.List;

/**
 * The base class of every trusted perfplan script: it adds the {@code action { ... }} DSL. A script
 * run by the {@code groovy} action sees its step through the {@code ctx} variable instead.
 */
public abstract class ActionScript extends Script {

    private final List<ScriptActionDefinition> defined = new ArrayList<>();
    private String sourceName = "script";

    /** Defines one action; see {@link ActionDefinitionBuilder} for the words of the block. */
    public void action(@DelegatesTo(value = ActionDefinitionBuilder.class, strategy = Closure.DELEGATE_FIRST) Closure<?> block) {
        ActionDefinitionBuilder builder = new ActionDefinitionBuilder(sourceName, callerLine());
        Closure<?> c = (Closure<?>) block.clone();
        c.setDelegate(builder);
        c.setResolveStrategy(Closure.DELEGATE_FIRST);
        c.call();
        defined.add(builder.build());
    }

    final List<ScriptActionDefinition> defined() {
        return List.copyOf(defined);
    }

    final void sourceName(String name) {
        this.sourceName = name;
    }

    private int callerLine() {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            if (e.getClassName().equals(getClass().getName()) && e.getLineNumber() > 0) {
                return e.getLineNumber();
            }
        }
        return 0;
    }
}
