package io.perfplan.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a plan file into the {@link Plan} model, checking its shape: known keys (with suggestions),
 * required fields, types, ids, durations. Every problem is collected; if any, a
 * {@link PlanException} lists them all. Action inputs, expressions and references are checked
 * afterwards by {@link PlanValidator}.
 */
public final class PlanLoader {

    private final Path file;
    private final Map<String, Pos> positions;
    private final List<Problem> problems = new ArrayList<>();

    private PlanLoader(Path file, Map<String, Pos> positions) {
        this.file = file;
        this.positions = positions;
    }

    /** A plan as far as it could be read, and the problems found on the way. */
    public record Loaded(Plan plan, List<Problem> problems) {}

    /** Loads a plan; throws {@link PlanException} listing every problem of its shape. */
    public static Plan load(Path file) {
        Loaded loaded = read(file);
        if (!loaded.problems().isEmpty()) {
            throw new PlanException(loaded.problems());
        }
        return loaded.plan();
    }

    /**
     * Reads as much of the plan as can be read. Unreadable YAML throws {@link PlanException}; shape
     * problems are returned with a partial plan (null when not even the top level is a mapping).
     */
    public static Loaded read(Path file) {
        YamlDocument doc = YamlDocument.read(file);
        PlanLoader loader = new PlanLoader(file, doc.positions());
        Plan plan = loader.plan(doc.root());
        return new Loaded(plan, List.copyOf(loader.problems));
    }

    private Plan plan(Object root) {
        if (!(root instanceof Map<?, ?>)) {
            problem("", "a plan is a mapping with `plan:` and `steps:` at the top level");
            return null;
        }
        Map<String, Object> m = map(root);
        checkKeys(m, "", PlanFormat.PLAN, "plan");
        String name = id(m, "plan", "");
        String description = string(m, "description", "");
        Map<String, Plan.Param> params = params(m.get("params"));
        Map<String, Object> vars = mapOrEmpty(m.get("vars"), "vars");
        Map<String, Object> env = mapOrEmpty(m.get("env"), "env");
        List<String> secrets = stringList(m.get("secrets"), "secrets");
        List<String> scripts = stringList(m.get("scripts"), "scripts");
        Optional<Plan.Schedule> schedule = schedule(m.get("schedule"));
        Optional<Duration> timeout = duration(m.get("timeout"), "timeout");
        Optional<Duration> retention = Optional.empty();
        if (m.get("retention") != null) {
            if (m.get("retention") instanceof Map<?, ?> r) {
                checkKeys(map(r), "retention", PlanFormat.RETENTION, "retention");
                retention = duration(r.get("keep"), "retention.keep");
            } else {
                problem("retention", "retention must be a mapping like {keep: 90d}");
            }
        }
        Set<String> ids = new HashSet<>();
        List<StepNode> steps = steps(m.get("steps"), "steps", ids, true);
        List<StepNode> finallySteps = steps(m.get("finally"), "finally", ids, false);
        return new Plan(name, description, params, vars, env, secrets, scripts, schedule, timeout, retention,
                steps, finallySteps, file, new Positions(positions));
    }

    private List<StepNode> steps(Object value, String path, Set<String> ids, boolean required) {
        if (value == null) {
            if (required) {
                problem("", "the plan has no `steps:`; add a list of steps");
            }
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            problem(path, "`" + path + "` must be a list of steps (each starting with `- id:`)");
            return List.of();
        }
        if (list.isEmpty() && required) {
            problem(path, "`steps` is empty; add at least one step");
        }
        List<StepNode> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String p = path + "[" + i + "]";
            Object item = list.get(i);
            if (!(item instanceof Map<?, ?>)) {
                problem(p, "a step must be a mapping with `id:` and `action:`");
                continue;
            }
            Map<String, Object> sm = map(item);
            if (sm.containsKey("parallel")) {
                checkKeys(sm, p, PlanFormat.PARALLEL, "parallel group");
                List<StepNode> members = steps(sm.get("parallel"), p + ".parallel", ids, true);
                List<Step> group = new ArrayList<>();
                for (StepNode n : members) {
                    if (n instanceof Step s) {
                        group.add(s);
                    } else {
                        problem(p + ".parallel", "a parallel group cannot contain another parallel group");
                    }
                }
                out.add(new ParallelGroup(group, pos(p)));
            } else {
                Step s = step(sm, p, ids);
                if (s != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private Step step(Map<String, Object> m, String p, Set<String> ids) {
        checkKeys(m, p, PlanFormat.STEP, "step");
        String id = id(m, "id", p);
        if (id != null && !ids.add(id)) {
            problem(p + ".id", "step id '" + id + "' is used twice; step ids must be unique");
        }
        String action = string(m, "action", p);
        if (action == null && m.get("action") == null) {
            problem(p, "the step" + (id == null ? "" : " '" + id + "'") + " has no `action:`; see `perfplan actions`");
        }
        Map<String, Object> with = mapOrEmpty(m.get("with"), join(p, "with"));
        Optional<String> condition = Optional.empty();
        Object cond = m.get("if");
        if (cond instanceof String s) {
            condition = Optional.of(s);
        } else if (cond instanceof Boolean b) {
            condition = Optional.of(b.toString());
        } else if (cond != null) {
            problem(join(p, "if"), "`if` must be an expression such as ${failed('gate')}");
        }
        Optional<Duration> timeout = duration(m.get("timeout"), join(p, "timeout"));
        Optional<Step.Retry> retry = retry(m.get("retry"), join(p, "retry"));
        boolean continueOnError = bool(m.get("continue_on_error"), join(p, "continue_on_error"));
        Map<String, Object> outputs = mapOrEmpty(m.get("outputs"), join(p, "outputs"));
        String description = string(m, "description", p);
        return new Step(id == null ? "" : id, action == null ? "" : action, with, condition, timeout, retry,
                continueOnError, outputs, description, p, pos(p));
    }

    private Optional<Step.Retry> retry(Object value, String p) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Map<?, ?>)) {
            problem(p, "`retry` must be a mapping like {attempts: 3, delay: 1s}");
            return Optional.empty();
        }
        Map<String, Object> m = map(value);
        checkKeys(m, p, PlanFormat.RETRY, "retry");
        int attempts = 1;
        Object a = m.get("attempts");
        if (a instanceof Long l && l >= 1 && l <= 1000) {
            attempts = l.intValue();
        } else {
            problem(join(p, "attempts"), "`attempts` must be a whole number from 1 to 1000");
        }
        Duration delay = duration(m.get("delay"), join(p, "delay")).orElse(Duration.ofSeconds(1));
        double backoff = 1;
        Object b = m.get("backoff");
        if (b instanceof Number n && n.doubleValue() >= 1 && n.doubleValue() <= 100) {
            backoff = n.doubleValue();
        } else if (b != null) {
            problem(join(p, "backoff"), "`backoff` must be a number from 1 to 100 (the delay's growth factor)");
        }
        Optional<String> until = Optional.empty();
        if (m.get("until") instanceof String s) {
            until = Optional.of(s);
        } else if (m.get("until") != null) {
            problem(join(p, "until"), "`until` must be an expression such as ${metrics['latency.p95'] < 200}");
        }
        return Optional.of(new Step.Retry(attempts, delay, backoff, until));
    }

    private Map<String, Plan.Param> params(Object value) {
        Map<String, Plan.Param> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?>)) {
            problem("params", "`params` must be a mapping of name to {default, type}");
            return out;
        }
        for (Map.Entry<String, Object> e : map(value).entrySet()) {
            String p = "params." + e.getKey();
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                problem(p, "parameter name '" + e.getKey() + "' must be letters, digits and '_'");
            }
            if (!(e.getValue() instanceof Map<?, ?>)) {
                // shorthand: `version: "1.4"` is a string parameter with that default
                Object d = e.getValue();
                out.put(e.getKey(), new Plan.Param(e.getKey(), typeOf(d), d, d == null, ""));
                continue;
            }
            Map<String, Object> pm = map(e.getValue());
            checkKeys(pm, p, PlanFormat.PARAM, "parameter");
            Plan.ParamType type = Plan.ParamType.STRING;
            Object t = pm.get("type");
            if (t != null) {
                try {
                    type = Plan.ParamType.valueOf(String.valueOf(t).toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    problem(p + ".type", "unknown parameter type '" + t + "'; use string, int, number or boolean"
                            + Suggestions.didYouMean(String.valueOf(t), List.of("string", "int", "number", "boolean")));
                }
            }
            Object d = pm.get("default");
            if (d != null) {
                try {
                    d = ParamValues.coerce(d, type);
                } catch (IllegalArgumentException ex) {
                    problem(p + ".default", "default " + ex.getMessage());
                }
            }
            boolean required = pm.containsKey("required") ? bool(pm.get("required"), p + ".required") : d == null;
            out.put(e.getKey(), new Plan.Param(e.getKey(), type, d, required, string(pm, "description", p)));
        }
        return out;
    }

    private static Plan.ParamType typeOf(Object d) {
        if (d instanceof Long) {
            return Plan.ParamType.INT;
        }
        if (d instanceof Double) {
            return Plan.ParamType.NUMBER;
        }
        if (d instanceof Boolean) {
            return Plan.ParamType.BOOLEAN;
        }
        return Plan.ParamType.STRING;
    }

    private Optional<Plan.Schedule> schedule(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Map<?, ?>)) {
            problem("schedule", "`schedule` must be a mapping like {cron: \"0 0 2 * * ?\"}");
            return Optional.empty();
        }
        Map<String, Object> m = map(value);
        checkKeys(m, "schedule", PlanFormat.SCHEDULE, "schedule");
        String cron = string(m, "cron", "schedule");
        if (cron == null) {
            problem("schedule", "`schedule` needs `cron:`, e.g. \"0 0 2 * * ?\" (Quartz: seconds first)");
        }
        String tz = Optional.ofNullable(string(m, "timezone", "schedule")).orElse("UTC");
        try {
            java.time.ZoneId.of(tz);
        } catch (java.time.DateTimeException e) {
            problem("schedule.timezone", "unknown time zone '" + tz + "'; use a name like UTC or Europe/Berlin");
        }
        String overlap = choice(m, "overlap", "schedule", List.of("skip", "queue", "allow"), "skip");
        String misfire = choice(m, "misfire", "schedule", List.of("run-once", "skip"), "run-once");
        return Optional.of(new Plan.Schedule(cron, tz, overlap, misfire));
    }

    // ---- small typed readers; each records a problem and returns a neutral value on error ----

    private void checkKeys(Map<String, Object> m, String path, List<PlanFormat.Field> fields, String what) {
        List<String> known = PlanFormat.names(fields);
        for (String key : m.keySet()) {
            if (!known.contains(key)) {
                problemAtKey(join(path, key), "unknown key '" + key + "' in " + what + Suggestions.didYouMean(key, known)
                        + (Suggestions.closest(key, known).isEmpty() ? "; known keys: " + String.join(", ", known) : ""));
            }
        }
        for (PlanFormat.Field f : fields) {
            if (f.required() && !m.containsKey(f.name()) && !f.name().equals("steps") && !f.name().equals("action")) {
                problem(path, what + " is missing `" + f.name() + ":` (" + f.description() + ")");
            }
        }
    }

    private String id(Map<String, Object> m, String key, String parent) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        String s = String.valueOf(v);
        if (!(v instanceof String) || !s.matches(PlanFormat.ID_PATTERN)) {
            problem(join(parent, key), "'" + s + "' is not a valid " + key + "; use lower-case letters, digits, '-' and '_', starting with a letter or digit");
            return null;
        }
        return s;
    }

    private String string(Map<String, Object> m, String key, String parent) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            problem(join(parent, key), "`" + key + "` must be text, not a " + (v instanceof Map<?, ?> ? "mapping" : "list"));
            return null;
        }
        return String.valueOf(v);
    }

    private String choice(Map<String, Object> m, String key, String parent, List<String> allowed, String dflt) {
        String v = string(m, key, parent);
        if (v == null) {
            return dflt;
        }
        if (!allowed.contains(v)) {
            problem(join(parent, key), "`" + key + "` must be one of " + String.join(", ", allowed) + Suggestions.didYouMean(v, allowed));
            return dflt;
        }
        return v;
    }

    private boolean bool(Object v, String path) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        problem(path, "expected true or false, got '" + v + "'");
        return false;
    }

    private Optional<Duration> duration(Object v, String path) {
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Map<?, ?> || v instanceof List<?> || v instanceof Boolean) {
            problem(path, "expected a duration such as 250ms, 10s, 5m or 1h");
            return Optional.empty();
        }
        try {
            Duration d = Quantities.duration(String.valueOf(v));
            if (d.isNegative() || d.isZero()) {
                problem(path, "a duration must be greater than zero");
            }
            return Optional.of(d);
        } catch (IllegalArgumentException e) {
            problem(path, e.getMessage());
            return Optional.empty();
        }
    }

    private Map<String, Object> mapOrEmpty(Object v, String path) {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?>)) {
            problem(path, "`" + last(path) + "` must be a mapping of names to values");
            return Map.of();
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map(v)));
    }

    private List<String> stringList(Object v, String path) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            problem(path, "`" + path + "` must be a list of names");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object o = list.get(i);
            if (o instanceof Map<?, ?> || o instanceof List<?> || o == null) {
                problem(path + "[" + i + "]", "expected a name");
            } else {
                out.add(String.valueOf(o));
            }
        }
        return List.copyOf(out);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    private static String last(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private Pos pos(String path) {
        return lookup(path);
    }

    private Pos lookup(String path) {
        String p = path;
        while (true) {
            Pos pos = positions.get(p);
            if (pos != null) {
                return pos;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return positions.getOrDefault("", new Pos(1, 1));
            }
            p = p.substring(0, cut);
        }
    }

    private void problem(String path, String message) {
        problems.add(new Problem(file, lookup(path), message));
    }

    private void problemAtKey(String path, String message) {
        Pos pos = positions.get(path + "#key");
        problems.add(new Problem(file, pos != null ? pos : lookup(path), message));
    }
}
