package io.perfplan.core.stats;

import java.util.Locale;
import java.util.Optional;

/**
 * The units a threshold limit may be written in, and the units metrics are stored in, with the
 * factor that converts each to its dimension's base (seconds, bytes, percent, per second, a ratio,
 * a plain count). Sizes follow the usual convention: KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024.
 */
public enum QuantityUnit {
    NANOSECONDS(Dimension.TIME, 1e-9, "ns"),
    MICROSECONDS(Dimension.TIME, 1e-6, "us", "µs"),
    MILLISECONDS(Dimension.TIME, 1e-3, "ms"),
    SECONDS(Dimension.TIME, 1, "s"),
    MINUTES(Dimension.TIME, 60, "min"),
    HOURS(Dimension.TIME, 3600, "h"),
    BYTES(Dimension.SIZE, 1, "B"),
    KILOBYTES(Dimension.SIZE, 1e3, "KB"),
    MEGABYTES(Dimension.SIZE, 1e6, "MB"),
    GIGABYTES(Dimension.SIZE, 1e9, "GB"),
    TERABYTES(Dimension.SIZE, 1e12, "TB"),
    KIBIBYTES(Dimension.SIZE, 1024, "KiB"),
    MEBIBYTES(Dimension.SIZE, 1024.0 * 1024, "MiB"),
    GIBIBYTES(Dimension.SIZE, 1024.0 * 1024 * 1024, "GiB"),
    TEBIBYTES(Dimension.SIZE, 1024.0 * 1024 * 1024 * 1024, "TiB"),
    PERCENT(Dimension.PERCENT, 1, "%"),
    PER_SECOND(Dimension.RATE, 1, "/s"),
    RATIO(Dimension.RATIO, 1, "x"),
    COUNT(Dimension.COUNT, 1, "", "count");

    /** What a unit measures; only values of the same dimension convert into each other. */
    public enum Dimension {
        TIME("a time"), SIZE("a size"), PERCENT("a percentage"), RATE("a rate"), RATIO("a ratio"), COUNT("a plain number");

        private final String description;

        Dimension(String description) {
            this.description = description;
        }

        /** "a time", "a size", ... for messages. */
        public String description() {
            return description;
        }
    }

    private final Dimension dimension;
    private final double toBase;
    private final String[] symbols;

    QuantityUnit(Dimension dimension, double toBase, String... symbols) {
        this.dimension = dimension;
        this.toBase = toBase;
        this.symbols = symbols;
    }

    public Dimension dimension() {
        return dimension;
    }

    /** The main symbol: {@code ms}, {@code KiB}, {@code %}, {@code /s}; empty for a plain count. */
    public String symbol() {
        return symbols[0];
    }

    /**
     * The unit written as {@code symbol}: case matters for sizes (MB, MiB), not for the others
     * ({@code MS} is milliseconds). Also accepts stored names such as {@code count}.
     */
    public static Optional<QuantityUnit> fromSymbol(String symbol) {
        if (symbol == null) {
            return Optional.of(COUNT);
        }
        String s = symbol.trim();
        for (QuantityUnit u : values()) {
            for (String candidate : u.symbols) {
                if (candidate.equals(s)) {
                    return Optional.of(u);
                }
            }
        }
        for (QuantityUnit u : values()) {
            if (u.dimension != Dimension.SIZE) {
                for (String candidate : u.symbols) {
                    if (candidate.equalsIgnoreCase(s)) {
                        return Optional.of(u);
                    }
                }
            }
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("ratio")) {
            return Optional.of(RATIO);
        }
        return Optional.empty();
    }

    /** {@code value} in this unit expressed in {@code target}, which must have the same dimension. */
    public double convert(double value, QuantityUnit target) {
        if (target.dimension != dimension) {
            throw new IllegalArgumentException("cannot convert " + dimension.description() + " (" + symbol() + ") into "
                    + target.dimension.description() + " (" + target.symbol() + ")");
        }
        return target == this ? value : value * toBase / target.toBase;
    }
}
