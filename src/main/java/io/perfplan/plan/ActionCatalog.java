package io.perfplan.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the validator needs to know of the registered actions: their names and inputs records. */
public interface ActionCatalog {

    Set<String> names();

    Optional<Class<?>> inputsOf(String action);

    /** The inputs of an action as fields; for actions without a record (Groovy script actions) too. */
    default Optional<InputsModel> inputsModelOf(String action) {
        return inputsOf(action).map(InputsModel::of);
    }

    /** The actions a plan can use: these plus the ones its scripts define (the plan's {@code scripts:} and the project's {@code scripts/}). */
    default ActionCatalog forPlan(Plan plan) {
        return this;
    }

    /** Problems found while loading plan-specific actions (a script that does not compile, two actions with one name). */
    default List<Problem> problems() {
        return List.of();
    }

    /**
     * Checks a step's inputs beyond their types (e.g. that the {@code groovy} action's script
     * compiles); each problem is one sentence. Only called for inputs without expressions.
     */
    default List<String> checkInputs(String action, Map<String, Object> with, Path projectDir) {
        return List.of();
    }
}
