package io.perfplan.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code optimize} and {@code rollback} steps store about tuning: each trial as it ends, and each
 * configuration file written, with the content it replaced, so the change can be undone later (by
 * the step itself, or by a {@code rollback} step naming it). Trials and changes belong to the
 * current run, plan, step and attempt of the context that hands this out.
 */
public interface Optimizations {

    /**
     * One trial of a search.
     *
     * @param number    1, 2, ... in the order trials ran; 0 is the current configuration
     * @param role      {@code current} or {@code candidate}
     * @param samples   per-run values of the measured quantity
     * @param objective the objective value, or null when the trial failed
     * @param error     why it failed, or null
     */
    record TrialRecord(int number, String role, int rung, Map<String, String> parameters, double[] samples,
                       Double objective, String error, Duration took) {}

    /**
     * A configuration file a step wrote.
     *
     * @param stepId          the optimize step that wrote it
     * @param previousExisted whether the file existed before
     * @param previousContent its bytes before (empty when it did not exist)
     * @param appliedContent  the bytes written
     * @param status          {@code applied} or {@code undone}
     */
    record Change(long id, long runId, String stepId, Path file, String format, Map<String, String> parameters,
                  boolean previousExisted, byte[] previousContent, byte[] appliedContent, String status, Instant appliedAt) {}

    /** Stores a finished trial at once, so a cancelled search keeps it. */
    void recordTrial(TrialRecord trial);

    /** Stores a file change just made by this step; returns its id. */
    long recordChange(Path file, String format, Map<String, String> parameters, boolean previousExisted,
                      byte[] previousContent, byte[] appliedContent);

    /** The newest change written by step {@code stepId} of this plan (in any run) that is not undone yet. */
    Optional<Change> lastApplied(String stepId);

    /** Records that change {@code id} was undone, and why. */
    void markUndone(long id, String reason);
}
