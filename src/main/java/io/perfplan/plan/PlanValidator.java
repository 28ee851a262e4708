package io.perfplan.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a loaded plan against the registered actions: action names, each step's inputs, every
 * expression (compiled, sandbox rules included), references to steps that do not exist or come
 * later, and the schedule's cron expression. Returns every problem found.
 */
public final class PlanValidator {

    private static final Pattern STEP_REF = Pattern.compile(
            "\\bsteps\\s*(?:\\.\\s*([a-z0-9][a-z0-9_-]*)|\\[\\s*['\"]([^'\"]+)['\"]\\s*])");
    private static final Pattern FN_REF = Pattern.compile("\\b(?:passed|failed)\\(\\s*['\"]([^'\"]*)['\"]\\s*\\)");

    private final ActionCatalog actions;
    private final Expressions expressions;

    public PlanValidator(ActionCatalog actions, Expressions expressions) {
        this.actions = actions;
        this.expressions = expressions;
    }

    /** Loads and validates; throws {@link PlanException} listing every problem. */
    public Plan loadAndValidate(java.nio.file.Path file) {
        PlanLoader.Loaded loaded = PlanLoader.read(file);
        List<Problem> problems = new ArrayList<>(loaded.problems());
        if (loaded.plan() != null) {
            problems.addAll(validate(loaded.plan()));
        }
        problems.sort(order(file));
        if (!problems.isEmpty()) {
            throw new PlanException(problems);
        }
        return loaded.plan();
    }

    public List<Problem> validate(Plan plan) {
        ActionCatalog actions = this.actions.forPlan(plan);
        List<Problem> problems = new ArrayList<>(actions.problems());
        plan.schedule().ifPresent(s -> checkCron(plan, s.cron(), problems));
        for (Map.Entry<String, Object> e : plan.vars().entrySet()) {
            checkExpressions(plan, e.getValue(), "vars." + e.getKey(), null, Set.of(), problems);
        }
        for (Map.Entry<String, Object> e : plan.env().entrySet()) {
            checkExpressions(plan, e.getValue(), "env." + e.getKey(), null, Set.of(), problems);
        }
        Set<String> allIds = new HashSet<>();
        plan.allSteps().forEach(s -> allIds.add(s.id()));
        Set<String> earlier = new HashSet<>();
        walk(actions, plan, plan.steps(), earlier, allIds, problems);
        walk(actions, plan, plan.finallySteps(), earlier, allIds, problems);
        problems.sort(order(plan.file()));
        return problems;
    }

    /** Problems in scripts first (they explain the plan's unknown actions), then the plan's, each file by line and column. */
    private static java.util.Comparator<Problem> order(java.nio.file.Path planFile) {
        return java.util.Comparator.comparing((Problem p) -> p.file() != null && planFile != null
                        && p.file().toAbsolutePath().equals(planFile.toAbsolutePath()))
                .thenComparing(p -> String.valueOf(p.file()))
                .thenComparingInt(p -> p.pos().line()).thenComparingInt(p -> p.pos().col());
    }

    private void walk(ActionCatalog actions, Plan plan, List<StepNode> nodes, Set<String> earlier, Set<String> allIds,
                      List<Problem> problems) {
        for (StepNode node : nodes) {
            for (Step s : node.steps()) {
                checkStep(actions, plan, s, earlier, allIds, problems);
            }
            node.steps().forEach(s -> earlier.add(s.id()));
        }
    }

    private void checkStep(ActionCatalog actions, Plan plan, Step s, Set<String> earlier, Set<String> allIds, List<Problem> problems) {
        if (!s.action().isEmpty()) {
            var inputs = actions.inputsModelOf(s.action());
            if (inputs.isEmpty()) {
                problems.add(new Problem(plan.file(), plan.positions().of(s.path() + ".action"), "unknown action '" + s.action() + "'"
                        + Suggestions.didYouMean(s.action(), actions.names()) + "; available: " + String.join(", ", new java.util.TreeSet<>(actions.names()))));
            } else {
                List<Problem> found = InputsBinder.check(s.with(), inputs.get(), s.path() + ".with", plan);
                problems.addAll(found);
                Map<String, Object> constant = found.isEmpty() ? constantValues(s.with()) : null;
                if (constant != null) {
                    for (String p : actions.checkInputs(s.action(), constant, plan.projectDir())) {
                        problems.add(new Problem(plan.file(), plan.positions().of(s.path() + ".with"), p));
                    }
                }
            }
        }
        checkExpressions(plan, s.with(), s.path() + ".with", s, earlier, problems, allIds);
        s.condition().ifPresent(c -> checkCondition(plan, c, s, earlier, allIds, problems));
        Set<String> withSelf = new HashSet<>(earlier);
        withSelf.add(s.id());
        checkExpressions(plan, s.outputs(), s.path() + ".outputs", s, withSelf, problems, allIds);
        s.retry().flatMap(Step.Retry::until).ifPresent(u -> checkCondition(plan, u, s, withSelf, allIds, problems,
                s.path() + ".retry.until"));
    }

    /** The values with {@code $${} escapes undone, or null when any of them holds an expression (known only at run time). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> constantValues(Map<String, Object> with) {
        try {
            return (Map<String, Object>) constant(with);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Object constant(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), constant(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(PlanValidator::constant).toList();
        }
        if (value instanceof String text && text.contains("${")) {
            Template t = Template.parse(text);
            if (!t.isConstant()) {
                throw new IllegalArgumentException("not constant");
            }
            StringBuilder b = new StringBuilder();
            t.parts().forEach(p -> b.append(((Template.Literal) p).text()));
            return b.toString();
        }
        return value;
    }

    private void checkCondition(Plan plan, String c, Step s, Set<String> earlier, Set<String> allIds, List<Problem> problems) {
        checkCondition(plan, c, s, earlier, allIds, problems, s.path() + ".if");
    }

    private void checkCondition(Plan plan, String c, Step s, Set<String> earlier, Set<String> allIds,
                                List<Problem> problems, String path) {
        // `if: failed('gate')` is accepted without the ${ } wrapper too
        String text = c.contains("${") ? c : "${" + c + "}";
        checkExpressions(plan, text, path, s, earlier, problems, allIds);
    }

    private void checkExpressions(Plan plan, Object value, String path, Step s, Set<String> earlier, List<Problem> problems) {
        checkExpressions(plan, value, path, s, earlier, problems, null);
    }

    private void checkExpressions(Plan plan, Object value, String path, Step s, Set<String> earlier,
                                  List<Problem> problems, Set<String> allIds) {
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> checkExpressions(plan, v, path + "." + k, s, earlier, problems, allIds));
            return;
        }
        if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                checkExpressions(plan, l.get(i), path + "[" + i + "]", s, earlier, problems, allIds);
            }
            return;
        }
        if (!(value instanceof String text) || !text.contains("${")) {
            return;
        }
        Pos pos = plan.positions().of(path);
        Template t;
        try {
            t = Template.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(plan.file(), pos, e.getMessage()));
            return;
        }
        for (Template.Part part : t.parts()) {
            if (!(part instanceof Template.Expr expr)) {
                continue;
            }
            try {
                expressions.check(expr.source());
            } catch (ExpressionLanguage.ExpressionError e) {
                problems.add(new Problem(plan.file(), pos, "expression ${" + abbreviate(expr.source()) + "}: " + e.getMessage()));
                continue;
            }
            checkReferences(plan, expr.source(), pos, s, earlier, problems, allIds);
        }
    }

    private void checkReferences(Plan plan, String source, Pos pos, Step s, Set<String> earlier,
                                 List<Problem> problems, Set<String> allIds) {
        if (allIds == null) {
            if (STEP_REF.matcher(source).find()) {
                problems.add(new Problem(plan.file(), pos, "`steps` is not available here (vars and env are computed before any step runs)"));
            }
            return;
        }
        List<String> refs = new ArrayList<>();
        Matcher m = STEP_REF.matcher(source);
        while (m.find()) {
            refs.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        Matcher f = FN_REF.matcher(source);
        while (f.find()) {
            refs.add(f.group(1));
        }
        for (String ref : refs) {
            if (!allIds.contains(ref)) {
                problems.add(new Problem(plan.file(), pos, "no step '" + ref + "' in this plan" + Suggestions.didYouMean(ref, allIds)));
            } else if (!earlier.contains(ref)) {
                problems.add(new Problem(plan.file(), pos, "step '" + s.id() + "' refers to step '" + ref
                        + "', which runs " + (ref.equals(s.id()) ? "... itself; use `outputs` or `retry.until` to read a step's own result"
                        : "later or at the same time; move '" + ref + "' before '" + s.id() + "'")));
            }
        }
    }

    private static void checkCron(Plan plan, String cron, List<Problem> problems) {
        if (cron == null) {
            return;
        }
        try {
            new org.quartz.CronExpression(cron);
        } catch (java.text.ParseException e) {
            problems.add(new Problem(plan.file(), plan.positions().of("schedule.cron"), "invalid cron expression '" + cron + "': "
                    + e.getMessage() + " (Quartz format: seconds minutes hours day-of-month month day-of-week, e.g. \"0 0 2 * * ?\")"));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
