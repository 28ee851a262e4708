package io.perfplan.core.sampling;

import java.io.IOException;

/** A command could not be started; the message is one sentence saying what is wrong and how to fix it. */
public class CommandLaunchException extends IOException {

    public CommandLaunchException(String message) {
        super(message);
    }
}
