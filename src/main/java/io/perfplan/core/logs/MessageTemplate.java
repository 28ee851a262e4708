package io.perfplan.core.logs;

import java.util.regex.Pattern;

/**
 * Turns a log message into its template by masking what varies between occurrences, so that
 * "order 1234 failed" and "order 987 failed" count as one message: UUIDs become {@code <uuid>},
 * hexadecimal ids of 8 or more digits (with at least one digit) {@code <hex>}, and every other number
 * {@code <n>}. Messages are cut to 200 characters.
 */
public final class MessageTemplate {

    private static final Pattern UUID = Pattern.compile(
            "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b");
    private static final Pattern HEX = Pattern.compile("\\b(?=[0-9a-fA-F]*\\d)(?:0x)?[0-9a-fA-F]{8,}\\b");
    private static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z_\\d])\\d+(?:[.,]\\d+)?");
    private static final int MAX_CHARS = 200;

    private MessageTemplate() {
    }

    /** The message with ids and numbers masked. */
    public static String of(String message) {
        String s = message.length() > 4 * MAX_CHARS ? message.substring(0, 4 * MAX_CHARS) : message;
        s = UUID.matcher(s).replaceAll("<uuid>");
        s = HEX.matcher(s).replaceAll("<hex>");
        s = NUMBER.matcher(s).replaceAll("<n>");
        s = s.strip();
        return s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) + "…" : s;
    }
}
