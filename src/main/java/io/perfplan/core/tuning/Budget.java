package io.perfplan.core.tuning;

import java.time.Duration;

/**
 * Limits of a search: at most {@code trials} candidate trials (the measurement of the current
 * configuration is not counted), and no new trial starts once {@code time} has passed since the
 * search began, the current configuration's measurement included (a trial already running finishes).
 */
public record Budget(int trials, Duration time) {

    public Budget {
        if (trials < 1) {
            throw new IllegalArgumentException("budget.trials must be at least 1, not " + trials + ".");
        }
        if (time == null || time.isNegative() || time.isZero()) {
            throw new IllegalArgumentException("budget.time must be positive, e.g. 15m.");
        }
    }
}
