package io.perfplan.engine;

import java.util.List;
import java.util.Map;

/**
 * Runs steps nested in a step (e.g. the trial of an {@code optimize} step: deploy with the trial's
 * settings, then load it), one after another in the calling thread, under the calling step's
 * cancellation and timeout. Their {@code with:} values are taken as given: expressions were rendered
 * with the enclosing step's, so nested steps cannot refer to each other's results. Nothing is stored
 * as a step of the run; the caller stores what it needs.
 */
public interface StepRunner {

    /** One nested step: an id (unique among its siblings), an action name and its inputs. */
    record NestedStep(String id, String action, Map<String, Object> with) {}

    /**
     * What nested steps did. Metrics and samples are keyed {@code <nested-id>.<name>}.
     *
     * @param passed  true when every step passed
     * @param message why a step failed (naming it), or null
     */
    record Result(boolean passed, String message, Map<String, Double> metrics, Map<String, double[]> samples,
                  Map<String, Map<String, Object>> outputs) {}

    /** Checks that each step names a registered action and that its inputs bind; throws {@link IllegalArgumentException} with one sentence. */
    void check(List<NestedStep> steps);

    /** Runs the steps in order, stopping at the first that fails. */
    Result run(List<NestedStep> steps);

    /**
     * This runner with its steps traced under {@code parent} (e.g. the span of an optimize trial)
     * rather than directly under the calling step's span.
     */
    default StepRunner under(io.perfplan.telemetry.SpanParent parent) {
        return this;
    }
}
