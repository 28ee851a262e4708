package io.perfplan.cli;

import io.perfplan.engine.ActionRegistry;
import io.perfplan.plan.Expressions;
import io.perfplan.plan.GroovyExpressions;

import io.perfplan.plan.PlanValidator;

/** The pieces commands share, built once per process. */
final class Services {

    private static final ActionRegistry ACTIONS = ActionRegistry.withBuiltIns();
    private static final Expressions EXPRESSIONS = new Expressions(GroovyExpressions::new);

    private Services() {}

    static ActionRegistry actions() {
        return ACTIONS;
    }

    /**
     * The built-in actions plus those defined by {@code projectDir/scripts/*.groovy}; problems in
     * the scripts are printed to {@code err} as warnings, so one broken script does not hide the rest.
     */
    static ActionRegistry actions(java.nio.file.Path projectDir, java.io.PrintWriter err) {
        ActionRegistry r = ACTIONS.withScripts(projectDir.toAbsolutePath(), java.util.List.of());
        r.problems().forEach(p -> err.println("warning: " + p));
        err.flush();
        return r;
    }

    static Expressions expressions() {
        return EXPRESSIONS;
    }

    static PlanValidator validator() {
        return new PlanValidator(ACTIONS, EXPRESSIONS);
    }

    /**
     * Loads and validates a plan, including the metrics its validate steps name; throws
     * {@link io.perfplan.plan.PlanException} listing every problem.
     */
    static io.perfplan.plan.Plan load(java.nio.file.Path file) {
        io.perfplan.plan.Plan plan = validator().loadAndValidate(file);
        java.util.List<io.perfplan.plan.Problem> problems = io.perfplan.actions.validate.GateReferences.check(plan, ACTIONS);
        if (!problems.isEmpty()) {
            throw new io.perfplan.plan.PlanException(problems);
        }
        return plan;
    }
}
