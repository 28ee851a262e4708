package io.perfplan.plan;

import java.util.List;

/** Steps that start together and are joined before the next entry runs. */
public record ParallelGroup(List<Step> steps, Pos pos) implements StepNode {}
