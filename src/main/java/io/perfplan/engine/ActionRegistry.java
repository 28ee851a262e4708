package io.perfplan.engine;

import io.perfplan.plan.ActionCatalog;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/** The actions a plan can invoke: built-ins found with {@link ServiceLoader}, plus any registered later. */
public final class ActionRegistry implements ActionCatalog {

    private final Map<String, Action<?>> actions = new TreeMap<>();

    public static ActionRegistry withBuiltIns() {
        ActionRegistry r = new ActionRegistry();
        for (Action<?> a : ServiceLoader.load(Action.class, ActionRegistry.class.getClassLoader())) {
            r.register(a);
        }
        return r;
    }

    public void register(Action<?> action) {
        String name = action.spec().name();
        if (actions.putIfAbsent(name, action) != null) {
            throw new IllegalStateException("two actions are named '" + name + "'");
        }
    }

    public Optional<Action<?>> get(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    public Collection<Action<?>> all() {
        return Collections.unmodifiableCollection(actions.values());
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(actions.keySet());
    }

    @Override
    public Optional<Class<?>> inputsOf(String action) {
        return get(action).map(a -> a.spec().inputs());
    }
}
