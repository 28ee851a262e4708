package io.perfplan.core.logs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the log lines inside a window said.
 *
 * @param from             window start (inclusive)
 * @param to               window end (exclusive)
 * @param lines            parsed lines inside the window
 * @param outsideWindow    parsed lines before or after the window (not counted anywhere else)
 * @param unparsed         lines that did not parse and did not follow a parsed line (continuations are not counted)
 * @param levels           lines per level (TRACE, DEBUG, INFO, WARN, ERROR, FATAL), only levels seen
 * @param errors           ERROR and FATAL lines
 * @param errorsPerMinute  ERROR and FATAL lines in each whole minute from {@code from}, one element per minute
 *                         (the last may be partial)
 * @param topErrors        the most frequent ERROR/FATAL message templates, most frequent first
 * @param topMessages      the most frequent message templates of any level, most frequent first
 * @param statusClasses    access logs: lines per status class ("2xx", "3xx", "4xx", "5xx"); empty otherwise
 * @param latencyMillis    access logs with a request time: p50, p90, p95, p99 and max in ms; empty otherwise
 */
public record LogSummary(Instant from, Instant to, long lines, long outsideWindow, long unparsed,
                         Map<String, Long> levels, long errors, long[] errorsPerMinute,
                         List<MessageCount> topErrors, List<MessageCount> topMessages,
                         Map<String, Long> statusClasses, Map<String, Double> latencyMillis) {

    /** A message template and how often it occurred. */
    public record MessageCount(String message, String level, long count) {}

    /** Errors per minute over the window (0 for an empty window). */
    public double errorsPerMinuteMean() {
        double minutes = (to.toEpochMilli() - from.toEpochMilli()) / 60_000.0;
        return minutes <= 0 ? 0 : errors / minutes;
    }

    /** ERROR and FATAL lines as a percentage of all lines in the window (0 when there are none). */
    public double errorPercent() {
        return lines == 0 ? 0 : 100.0 * errors / lines;
    }
}
