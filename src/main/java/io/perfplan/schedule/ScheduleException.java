package io.perfplan.schedule;

/** The scheduler could not work (its database or Quartz); the message is one sentence for the user. */
public class ScheduleException extends RuntimeException {

    public ScheduleException(String message, Throwable cause) {
        super(message, cause);
    }
}
