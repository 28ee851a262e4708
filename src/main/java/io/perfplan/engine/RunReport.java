package io.perfplan.engine;

import java.time.Duration;
import java.util.List;

/** The result of a run: its id in the history, status, the steps in order and the first failure's reason. */
public record RunReport(long runId, String plan, Status status, Duration duration, List<StepReport> steps, String error) {}
