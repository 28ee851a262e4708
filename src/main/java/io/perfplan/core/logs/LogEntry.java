package io.perfplan.core.logs;

import java.time.Instant;

/**
 * One parsed log line.
 *
 * @param timestamp     when it was written
 * @param level         upper-case level: TRACE, DEBUG, INFO, WARN, ERROR or FATAL (access logs: ERROR for 5xx,
 *                      WARN for 4xx, INFO otherwise)
 * @param message       the message text (access logs: method and path without the query)
 * @param status        access logs: the HTTP status; 0 otherwise
 * @param latencyMillis access logs: the request time in milliseconds when the line has one; NaN otherwise
 */
public record LogEntry(Instant timestamp, String level, String message, int status, double latencyMillis) {

    /** True for ERROR and FATAL. */
    public boolean isError() {
        return "ERROR".equals(level) || "FATAL".equals(level);
    }
}
