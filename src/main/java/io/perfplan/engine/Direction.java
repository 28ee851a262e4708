package io.perfplan.engine;

/** Which way a metric improves; statistical gates use it to know what a regression is. */
public enum Direction {
    LOWER_IS_BETTER, HIGHER_IS_BETTER, NEUTRAL
}
