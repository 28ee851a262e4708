package io.perfplan.core.load;

import java.time.Duration;

/** One stage of an open-model schedule: over {@code duration} the rate moves linearly to {@code ratePerSecond}. */
public record RateStage(Duration duration, double ratePerSecond) {
    public RateStage {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a stage needs a positive duration, e.g. 30s");
        }
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("a stage rate must be 0 or more requests per second, got " + ratePerSecond);
        }
    }
}
