package io.perfplan.plan;

import java.util.List;

/** An entry of {@code steps:} or {@code finally:}: one step, or a group of steps run in parallel. */
public sealed interface StepNode permits Step, ParallelGroup {

    /** The steps this node runs (one for a step, all members for a group). */
    List<Step> steps();

    Pos pos();
}
