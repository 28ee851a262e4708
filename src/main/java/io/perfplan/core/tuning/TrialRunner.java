package io.perfplan.core.tuning;

/**
 * Measures a configuration: runs the system under test {@code runs} times with the configuration's
 * values and returns one value of the measured quantity per run (e.g. wall time in ms), in run
 * order. A command, nested steps or a remote deployment can all stand behind it.
 */
@FunctionalInterface
public interface TrialRunner {

    /**
     * @throws TrialFailedException when the configuration could not be measured (the search records
     *     the trial as failed and goes on)
     * @throws java.util.concurrent.CancellationException when the search was cancelled meanwhile
     */
    double[] run(Configuration configuration, int runs) throws TrialFailedException;
}
