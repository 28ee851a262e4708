package io.perfplan.core.load;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import javax.net.ssl.SSLException;

import io.netty.channel.ConnectTimeoutException;

/**
 * Why a request failed. Transport failures (the request got no complete response) and failed
 * response checks are counted apart, one counter per kind; {@link #metricName()} is the suffix of
 * the {@code errors.<kind>} metric.
 */
public enum ErrorKind {
    /** The target refused the connection (nothing listens on the port). */
    REFUSED,
    /** Connecting failed for another reason (unreachable, connect timeout). */
    CONNECT,
    /** No complete response within the per-request timeout. */
    TIMEOUT,
    /** The connection was reset (RST, broken pipe) while a request was in flight. */
    RESET,
    /** The server closed the connection before the response was complete. */
    CLOSED,
    /** The TLS handshake or record layer failed. */
    TLS,
    /** The response was not valid HTTP/1.1. */
    PROTOCOL,
    /** The status code was outside the accepted ranges. */
    STATUS,
    /** The body did not contain the expected text. */
    BODY_CONTAINS,
    /** The body did not match the expected regular expression. */
    BODY_REGEX,
    /** A response header was missing or did not match. */
    HEADER,
    /** Any other failure. */
    OTHER;

    private static final ErrorKind[] ALL = values();

    /** The name used in metrics and threshold expressions, e.g. {@code body_contains}. */
    public String metricName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for failures of the connection rather than of a response check. */
    public boolean isTransport() {
        return ordinal() < STATUS.ordinal();
    }

    static int count() {
        return ALL.length;
    }

    static ErrorKind of(int ordinal) {
        return ALL[ordinal];
    }

    /** Finds the kind by its metric name, or throws with the list of known names. */
    public static ErrorKind fromMetricName(String name) {
        for (ErrorKind k : ALL) {
            if (k.metricName().equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown error kind '" + name + "'; known kinds: "
                + java.util.Arrays.stream(ALL).map(ErrorKind::metricName).toList());
    }

    /** Classifies a transport exception. */
    static ErrorKind classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException || c instanceof io.netty.handler.ssl.NotSslRecordException) {
                return TLS;
            }
            if (c instanceof ConnectTimeoutException) {
                return TIMEOUT;
            }
            if (c instanceof ConnectException || c instanceof UnknownHostException) {
                String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
                return m.contains("refused") ? REFUSED : CONNECT;
            }
            if (c instanceof ClosedChannelException) {
                return CLOSED;
            }
            if (c instanceof IOException) {
                String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
                if (m.contains("reset") || m.contains("broken pipe")) {
                    return RESET;
                }
                if (m.contains("refused")) {
                    return REFUSED;
                }
            }
        }
        return OTHER;
    }
}
