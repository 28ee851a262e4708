package io.perfplan.core.tuning;

/**
 * Hears the trials of a search, on the thread that runs it: each one as it starts (e.g. to trace
 * it) and each finished one, failed or not (to be stored at once). A trial cut short by cancellation
 * starts but never finishes.
 */
@FunctionalInterface
public interface TrialListener {

    /**
     * A trial is about to run {@code runs} more runs of {@code configuration}; {@code number} is the
     * one its {@link Trial} will have.
     */
    default void started(int number, Trial.Role role, Configuration configuration, int rung, int runs) {
    }

    void finished(Trial trial);
}
