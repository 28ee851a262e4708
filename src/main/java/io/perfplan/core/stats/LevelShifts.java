package io.perfplan.core.stats;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Questions a gate asks of a metric's history (values of successive runs, oldest first), answered
 * with {@link ChangePoints}: where does the current level start, and did the level just shift?
 */
public final class LevelShifts {

    /**
     * How many of the newest values a shift may start in and still count as "just happened". E-divisive
     * needs two values after a change to see it, so a shift that starts at the newest run is visible
     * one or two runs later; a window of three newest values flags it as soon as it can be seen.
     */
    public static final int RECENT = 3;

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
     * The change point whose new level starts among the {@link #RECENT} newest values, if any (the
     * newest such when there are several).
     */
    public static Optional<ChangePoint> recentShift(double[] series, ChangePoints.Settings settings) {
        List<ChangePoint> points = ChangePoints.find(series, settings);
        for (int i = points.size() - 1; i >= 0; i--) {
            if (points.get(i).index() >= series.length - RECENT) {
                return Optional.of(points.get(i));
            }
        }
        return Optional.empty();
    }
}
