package io.perfplan.core.tuning;

/** A configuration could not be measured; the message is one sentence for the user. */
public final class TrialFailedException extends Exception {

    public TrialFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public TrialFailedException(String message) {
        super(message);
    }
}
