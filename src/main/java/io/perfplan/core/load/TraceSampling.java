package io.perfplan.core.load;

import java.util.regex.Pattern;

/**
 * Sends a W3C {@code traceparent} header ({@code 00-<trace id>-<span id>-01}) on a random share of
 * requests, so the target's own traces link back to the run that loaded it. Every sampled request
 * gets a fresh random span id under the one trace id. The traced variant of each request is encoded
 * once and its span id rewritten in place, so sampling allocates nothing per request; with
 * {@code fraction} 0 (the default) the send path does not even draw a random number.
 *
 * @param traceId  32 lower-case hex digits, not all zero
 * @param fraction share of requests to trace, 0 to 1
 */
public record TraceSampling(String traceId, double fraction) {

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    static final String HEADER = "traceparent";
    static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    /** No header on any request (declared after the pattern its constructor uses). */
    public static final TraceSampling NONE = new TraceSampling("00000000000000000000000000000001", 0);

    public TraceSampling {
        if (traceId == null || !TRACE_ID.matcher(traceId).matches() || traceId.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException("trace id '" + traceId + "' is not 32 lower-case hex digits (W3C trace context)");
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("trace sample must be between 0% and 100%, got " + fraction * 100 + "%");
        }
    }

    /** A random trace id, for runs that have none of their own. */
    public static String randomTraceId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return String.format("%016x%016x", r.nextLong() | 1L << 63, r.nextLong());
    }

    /** The header value with the span-id placeholder the load engine rewrites per request. */
    String template() {
        return "00-" + traceId + "-0000000000000000-01";
    }

    /** Offset of the span id within {@link #template()}. */
    static int spanIdOffsetInValue() {
        return 3 + 32 + 1;
    }
}
