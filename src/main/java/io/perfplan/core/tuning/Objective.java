package io.perfplan.core.tuning;

import java.util.Arrays;

/**
 * What a search optimizes: a statistic of a trial's per-run samples (e.g. the median of the wall
 * times in ms) and whether lower or higher is better. A trial measured once has one sample, and
 * every statistic of it is that value.
 */
public record Objective(Statistic statistic, Goal goal) {

    /** Which way is better. */
    public enum Goal { MINIMIZE, MAXIMIZE }

    /** How a trial's samples are reduced to one objective value. */
    public enum Statistic {
        MEAN, MEDIAN, MIN, MAX;

        public double of(double[] samples) {
            if (samples.length == 0) {
                throw new IllegalArgumentException("An objective needs at least one sample.");
            }
            double[] s = samples.clone();
            Arrays.sort(s);
            return switch (this) {
                case MEAN -> Arrays.stream(s).average().orElseThrow();
                case MEDIAN -> s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
                case MIN -> s[0];
                case MAX -> s[s.length - 1];
            };
        }
    }

    public Objective {
        if (statistic == null || goal == null) {
            throw new IllegalArgumentException("An objective needs a statistic and a goal (minimize or maximize).");
        }
    }

    public double value(double[] samples) {
        return statistic.of(samples);
    }

    /** True when objective value {@code a} is strictly better than {@code b}. */
    public boolean better(double a, double b) {
        return goal == Goal.MINIMIZE ? a < b : a > b;
    }

    /**
     * Relative improvement of {@code candidate} over {@code current}: {@code 1 - candidate/current}
     * when minimizing, {@code candidate/current - 1} when maximizing (0.1 = 10% better); NaN when
     * {@code current} is not positive.
     */
    public double improvement(double current, double candidate) {
        if (!(current > 0)) {
            return Double.NaN;
        }
        return goal == Goal.MINIMIZE ? 1 - candidate / current : candidate / current - 1;
    }
}
