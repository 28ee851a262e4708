package io.perfplan.core.stats;

/**
 * The alternative hypothesis of a two-sample test of {@code x} against {@code y}: whether {@code x}
 * tends to be greater than {@code y}, less, or either (the same meaning as SciPy's
 * {@code alternative} argument).
 */
public enum Alternative {
    GREATER, LESS, TWO_SIDED
}
