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

    static Expressions expressions() {
        return EXPRESSIONS;
    }

    static PlanValidator validator() {
        return new PlanValidator(ACTIONS, EXPRESSIONS);
    }
}
