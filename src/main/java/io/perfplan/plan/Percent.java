package io.perfplan.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A percentage, written in plans as {@code 1%} or {@code 0.5%}; {@link #value()} is in percent. */
public record Percent(double value) {

    @JsonCreator
    public static Percent parse(Object value) {
        if (value instanceof Number n) {
            throw new IllegalArgumentException("'" + n + "' needs a % sign, e.g. " + n + "%");
        }
        return new Percent(Quantities.percent(String.valueOf(value)));
    }

    /** The value as a fraction: 5% → 0.05. */
    public double fraction() {
        return value / 100.0;
    }

    @JsonValue
    @Override
    public String toString() {
        return (value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value)) + "%";
    }
}
