package io.perfplan.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One step: an action invoked with the values of its {@code with:} block. Values are kept as
 * written (String, Long, Double, Boolean, List, Map) and rendered at run time.
 *
 * @param path the step's location in the plan, e.g. {@code steps[2]}, used to look up positions
 */
public record Step(
        String id,
        String action,
        Map<String, Object> with,
        Optional<String> condition,
        Optional<Duration> timeout,
        Optional<Retry> retry,
        boolean continueOnError,
        Map<String, Object> outputs,
        String description,
        String path,
        Pos pos) implements StepNode {

    /** How a failed step is tried again; {@code until} is an expression over the step's own result. */
    public record Retry(int attempts, Duration delay, double backoff, Optional<String> until) {}

    @Override
    public List<Step> steps() {
        return List.of(this);
    }
}
