package io.perfplan.cli;

/** Something the user asked for cannot be done as asked (exit 2); the message says how to fix it. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
