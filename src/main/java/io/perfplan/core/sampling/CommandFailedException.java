package io.perfplan.core.sampling;

/** A measured (or prepare/cleanup) command exited unsuccessfully; carries the run that failed. */
public class CommandFailedException extends RuntimeException {

    private final transient CommandResult result;

    public CommandFailedException(String message, CommandResult result) {
        super(message);
        this.result = result;
    }

    public CommandResult result() {
        return result;
    }
}
