package io.perfplan.engine;

import io.perfplan.plan.ActionCatalog;
import io.perfplan.plan.InputsBinder;
import io.perfplan.plan.InputsModel;
import io.perfplan.plan.Plan;
import io.perfplan.plan.Pos;
import io.perfplan.plan.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The actions a plan can invoke: built-ins found with {@link ServiceLoader}, plus any registered
 * later, plus, for one plan or project, the actions its Groovy scripts define ({@link #forPlan},
 * {@link #withScripts}), loaded through the {@link ActionSource}s found the same way.
 */
public final class ActionRegistry implements ActionCatalog {

    /** The project folder whose {@code *.groovy} files every plan of the project can use. */
    public static final String SCRIPTS_DIR = "scripts";

    private final Map<String, Action<?>> actions = new TreeMap<>();
    /** Each action's spec, built once: an action builds it anew on every call (records, reflection over the inputs). */
    private final Map<String, ActionSpec<?>> specs = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<ActionSource> sources = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();

    public static ActionRegistry withBuiltIns() {
        ActionRegistry r = new ActionRegistry();
        for (Action<?> a : ServiceLoader.load(Action.class, ActionRegistry.class.getClassLoader())) {
            r.register(a);
        }
        for (ActionSource s : ServiceLoader.load(ActionSource.class, ActionRegistry.class.getClassLoader())) {
            r.sources.add(s);
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

    /** The spec of the action called {@code name}, if there is one. */
    public Optional<ActionSpec<?>> specOf(String name) {
        Action<?> action = actions.get(name);
        return action == null ? Optional.empty() : Optional.of(specs.computeIfAbsent(name, n -> action.spec()));
    }

    @Override
    public Optional<Class<?>> inputsOf(String action) {
        return specOf(action).map(ActionSpec::inputs);
    }

    @Override
    public Optional<InputsModel> inputsModelOf(String action) {
        return specOf(action).map(ActionSpec::inputsModel);
    }

    /** Problems met while loading script actions (compile errors, name clashes, missing files), as {@code file:line:col}. */
    @Override
    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    @Override
    public List<String> checkInputs(String action, Map<String, Object> with, Path projectDir) {
        return get(action).map(a -> check(a, inputsOf(action).orElseThrow(), with, projectDir)).orElse(List.of());
    }

    private static <I> List<String> check(Action<I> action, Class<?> inputsType, Map<String, Object> with, Path projectDir) {
        @SuppressWarnings("unchecked")
        Class<I> type = (Class<I>) inputsType;
        if (!type.isRecord()) {
            return List.of();
        }
        I inputs;
        try {
            inputs = InputsBinder.bind(with, type);
        } catch (IllegalArgumentException e) {
            return List.of(); // reported by the type check already
        }
        return action.check(inputs, projectDir);
    }

    /**
     * This registry plus the actions defined by the plan's {@code scripts:} and by every
     * {@code *.groovy} in its project's {@code scripts/} folder. A plan that lists no scripts and
     * uses only actions registered here gets this registry itself: it does not pay for compiling
     * scripts it does not use (nor fail on them).
     */
    @Override
    public ActionRegistry forPlan(Plan plan) {
        if (plan.scripts().isEmpty() && plan.allSteps().stream().allMatch(s -> actions.containsKey(s.action()))) {
            return this;
        }
        return withScripts(plan.projectDir(), plan.scripts(), plan);
    }

    /**
     * This registry plus the actions defined by {@code planScripts} (paths relative to
     * {@code projectDir}) and by every {@code *.groovy} in {@code projectDir/scripts}. Problems
     * (compile errors, clashing names, missing files) are in {@link #problems()} of the result.
     */
    public ActionRegistry withScripts(Path projectDir, List<String> planScripts) {
        return withScripts(projectDir, planScripts, null);
    }

    private ActionRegistry withScripts(Path projectDir, List<String> planScripts, Plan plan) {
        List<Problem> found = new ArrayList<>();
        Map<Path, Path> files = new LinkedHashMap<>(); // real path -> name shown to users
        for (int i = 0; i < planScripts.size(); i++) {
            Path file = projectDir.resolve(planScripts.get(i)).toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                String why = "script file '" + planScripts.get(i) + "' does not exist in " + shown(projectDir.toAbsolutePath())
                        + "; paths in `scripts:` are relative to the project folder (the parent of plans/)";
                found.add(plan == null ? new Problem(shown(file), Pos.NONE, why)
                        : new Problem(plan.file(), plan.positions().of("scripts[" + i + "]"), why));
                continue;
            }
            files.putIfAbsent(file, shown(file));
        }
        Path dir = projectDir.resolve(SCRIPTS_DIR);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(f -> f.getFileName().toString().endsWith(".groovy") && Files.isRegularFile(f)).sorted()
                        .forEach(f -> files.putIfAbsent(f.toAbsolutePath().normalize(), shown(f.toAbsolutePath().normalize())));
            } catch (IOException e) {
                found.add(new Problem(shown(dir), Pos.NONE, "cannot list the scripts folder: " + e.getMessage()));
            }
        }
        if (files.isEmpty() && found.isEmpty()) {
            return this;
        }
        ActionRegistry r = new ActionRegistry();
        r.actions.putAll(actions);
        r.sources.addAll(sources);
        r.problems.addAll(problems);
        r.problems.addAll(found);
        Map<String, ActionSource.Defined> byName = new HashMap<>();
        for (ActionSource source : sources) {
            List<Path> mine = files.values().stream().filter(source::accepts).toList();
            if (mine.isEmpty()) {
                continue;
            }
            ActionSource.Loaded loaded = source.load(mine);
            r.problems.addAll(loaded.problems());
            for (ActionSource.Defined d : loaded.actions()) {
                String name = d.action().spec().name();
                ActionSource.Defined other = byName.get(name);
                if (other != null) {
                    r.problems.add(new Problem(d.file(), new Pos(d.line(), 1), "action '" + name + "' is also defined at "
                            + other.file() + ":" + other.line() + "; rename one of them"));
                } else if (r.actions.containsKey(name)) {
                    r.problems.add(new Problem(d.file(), new Pos(d.line(), 1), "action '" + name
                            + "' has the name of a built-in action; choose another name"));
                } else {
                    byName.put(name, d);
                    r.actions.put(name, d.action());
                }
            }
        }
        return r;
    }

    /** A path as users should see it: relative to the working directory when inside it. */
    private static Path shown(Path absolute) {
        Path cwd = Path.of("").toAbsolutePath();
        return absolute.startsWith(cwd) ? cwd.relativize(absolute) : absolute;
    }
}
