package io.perfplan.engine;

import java.util.Locale;

/** Status of a run or a step attempt, stored in lower case. Runs never have {@code SKIPPED}. */
public enum Status {
    RUNNING, PASSED, FAILED, SKIPPED, CANCELLED, INTERRUPTED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
