package io.perfplan.core.stats;

/** Outcome of one regression check. */
public enum Verdict {
    /** No regression beyond the tolerance was shown. */
    PASS,
    /** A significant regression larger than the tolerance. */
    FAIL,
    /** A significant regression whose size may or may not exceed the tolerance; more data decides. */
    INCONCLUSIVE,
    /** Too few values to test; the caller decides what that means (e.g. a plan's {@code on_no_data}). */
    NO_DATA
}
