package io.perfplan.core.stats;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Questions a gate asks of a metric's history (values of successive runs, oldest first), answered
 * with {@link ChangePoints}: where does the current level start, and did the level just shift?
 */
public final class LevelShifts {

    /** How far (in values) a change point may move between two searches and still be the same one. */
    static final int SAME_POSITION = 2;

    private LevelShifts() {
    }

    /**
     * The values since the last change point (all values when there is none); a rolling baseline
     * compares with these, so an accepted shift of level does not leave old values in the window.
     */
    public static double[] currentLevel(double[] series, ChangePoints.Settings settings) {
        List<ChangePoint> points = ChangePoints.find(series, settings);
        if (points.isEmpty()) {
            return series.clone();
        }
        return Arrays.copyOfRange(series, points.get(points.size() - 1).index(), series.length);
    }

    /**
     * The change point that the newest value confirms: found in {@code series} but not (within
     * {@value #SAME_POSITION} positions) in the series without its newest value. A gate that asks
     * this after every run flags each shift once, as soon as the evidence is enough, however long the
     * history is: E-divisive needs at least two values after a change to see it, and with a short
     * history before it a few more.
     */
    public static Optional<ChangePoint> confirmedByNewest(double[] series, ChangePoints.Settings settings) {
        List<ChangePoint> now = ChangePoints.find(series, settings);
        if (now.isEmpty()) {
            return Optional.empty();
        }
        List<ChangePoint> before = ChangePoints.find(Arrays.copyOf(series, series.length - 1), settings);
        for (int i = now.size() - 1; i >= 0; i--) {
            int index = now.get(i).index();
            if (before.stream().noneMatch(b -> Math.abs(b.index() - index) <= SAME_POSITION)) {
                return Optional.of(now.get(i));
            }
        }
        return Optional.empty();
    }
}
