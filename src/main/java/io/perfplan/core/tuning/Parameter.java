package io.perfplan.core.tuning;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One tunable parameter: either a list of choices (taken as text, e.g. {@code 512m}) or a numeric
 * range. Values are always handed to trials as text; a range formats integers without a decimal
 * point and floats with the shortest decimal that round-trips.
 */
public sealed interface Parameter permits Parameter.Choice, Parameter.Range {

    /** Name, as trial placeholders ({@code {{trial.<name>}}}) refer to it. */
    String name();

    /** The values a grid search tries, in order, without duplicates. */
    List<String> gridValues();

    /** One value drawn at random (uniform over the choices, or over the range on its scale). */
    String sample(SplittableRandom random);

    /** How a range is spread: evenly (linear) or evenly in its logarithm (log). */
    enum Scale { LINEAR, LOG }

    /** Whether a range holds integers or real numbers. */
    enum NumberType { INT, FLOAT }

    /** A fixed list of values, tried as given. */
    record Choice(String name, List<String> values) implements Parameter {
        public Choice {
            requireName(name);
            if (values == null || values.isEmpty()) {
                throw new IllegalArgumentException("Parameter '" + name + "' has no values; list at least one, e.g. [1, 2, 4].");
            }
            values = List.copyOf(new LinkedHashSet<>(values));
        }

        @Override
        public List<String> gridValues() {
            return values;
        }

        @Override
        public String sample(SplittableRandom random) {
            return values.get(random.nextInt(values.size()));
        }
    }

    /**
     * A numeric range from {@code min} to {@code max} inclusive.
     *
     * @param gridPoints how many evenly spread values (on the scale) a grid search tries, at least 2
     */
    record Range(String name, double min, double max, Scale scale, NumberType type, int gridPoints) implements Parameter {
        public Range {
            requireName(name);
            scale = scale == null ? Scale.LINEAR : scale;
            type = type == null ? NumberType.FLOAT : type;
            if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
                throw new IllegalArgumentException("Parameter '" + name + "' has min " + min + " and max " + max
                        + "; give finite numbers with min <= max.");
            }
            if (scale == Scale.LOG && min <= 0) {
                throw new IllegalArgumentException("Parameter '" + name + "' has a log scale but min " + min
                        + "; a log scale needs min > 0 (or use scale: linear).");
            }
            if (type == NumberType.INT && (min != Math.rint(min) || max != Math.rint(max))) {
                throw new IllegalArgumentException("Parameter '" + name + "' is an int but min " + min + " or max " + max
                        + " is not a whole number; use whole numbers or type: float.");
            }
            if (gridPoints < 2) {
                throw new IllegalArgumentException("Parameter '" + name + "' has grid_points " + gridPoints + "; use 2 or more.");
            }
        }

        @Override
        public List<String> gridValues() {
            LinkedHashSet<String> out = new LinkedHashSet<>();
            for (int i = 0; i < gridPoints; i++) {
                out.add(format(at(i / (double) (gridPoints - 1))));
            }
            return List.copyOf(out);
        }

        @Override
        public String sample(SplittableRandom random) {
            return format(at(random.nextDouble()));
        }

        /** The value at fraction {@code f} (0 to 1) of the range, on its scale. */
        private double at(double f) {
            double v = scale == Scale.LOG
                    ? Math.exp(Math.log(min) + f * (Math.log(max) - Math.log(min)))
                    : min + f * (max - min);
            return Math.max(min, Math.min(max, v));
        }

        private String format(double v) {
            if (type == NumberType.INT) {
                return Long.toString(Math.round(v));
            }
            return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
        }
    }

    private static void requireName(String name) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("Parameter name '" + name + "' is not valid; use letters, digits, '_', '-' or '.', "
                    + "starting with a letter.");
        }
    }

    /** Every combination of the parameters' grid values, first parameter varying slowest. */
    static List<List<String>> product(List<List<String>> axes) {
        List<List<String>> out = new ArrayList<>();
        out.add(List.of());
        for (List<String> axis : axes) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> prefix : out) {
                for (String v : axis) {
                    List<String> combo = new ArrayList<>(prefix);
                    combo.add(v);
                    next.add(combo);
                }
            }
            out = next;
        }
        return out;
    }
}
