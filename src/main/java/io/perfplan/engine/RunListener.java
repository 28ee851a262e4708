package io.perfplan.engine;

import java.time.Duration;

/** Follows a run as it happens (the CLI prints a line per event). All text is already masked. */
public interface RunListener {

    default void runStarted(long runId, String plan, int steps) {}

    default void stepStarted(String stepId, String action, int attempt) {}

    default void stepLog(String stepId, String message) {}

    default void stepFinished(StepReport step) {}

    default void runFinished(RunReport run) {}

    RunListener NONE = new RunListener() {};
}
