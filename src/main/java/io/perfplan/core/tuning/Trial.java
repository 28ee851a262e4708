package io.perfplan.core.tuning;

import java.time.Duration;

/**
 * One measured configuration. A failed trial has an error and no objective (NaN) and is skipped by
 * the search. In successive halving a configuration that survives a rung is measured again with
 * more runs: that is a new trial (a higher {@code rung}) whose samples include the earlier ones.
 *
 * @param number   1, 2, ... in the order trials ran; the current configuration's trial is 0
 * @param role     whether this measured today's configuration or a candidate
 * @param rung     successive-halving rung (0 for grid and random search)
 * @param samples  per-run values of the measured quantity (e.g. wall ms), in run order
 * @param objective the objective's statistic of {@code samples}, or NaN when the trial failed
 * @param error    why the trial failed, or null
 * @param took     wall time the trial took, with process start-up
 */
public record Trial(int number, Role role, Configuration configuration, int rung, double[] samples, double objective,
                    String error, Duration took) {

    /** What a trial measured. */
    public enum Role { CURRENT, CANDIDATE }

    public Trial {
        samples = samples == null ? new double[0] : samples.clone();
    }

    public boolean failed() {
        return error != null;
    }

    @Override
    public double[] samples() {
        return samples.clone();
    }
}
