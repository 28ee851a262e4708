package io.perfplan.store;

/** The history database could not do what was asked; the message is one sentence for the user. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
