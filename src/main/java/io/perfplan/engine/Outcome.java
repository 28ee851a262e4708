package io.perfplan.engine;

/** What an action says happened: passed, or failed with one sentence saying why. */
public record Outcome(boolean passed, String message) {

    public static Outcome pass() {
        return new Outcome(true, null);
    }

    public static Outcome pass(String message) {
        return new Outcome(true, message);
    }

    public static Outcome fail(String message) {
        return new Outcome(false, message);
    }
}
