package io.perfplan.core.load;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * A condition every response must meet; a response that fails it counts as an error of
 * {@link #kind()}. Checks run on the event loop, in the order given, and the first failure decides
 * the kind. Body checks see at most the first {@value #MAX_BODY_BYTES} bytes of the body, decoded as UTF-8.
 */
public sealed interface ResponseCheck {

    /** How much of a body the body checks look at. */
    int MAX_BODY_BYTES = 1 << 20;

    ErrorKind kind();

    /** True when the check needs the body (the body is then buffered, else only counted). */
    default boolean needsBody() {
        return false;
    }

    /** True when the response passes. {@code body} is empty unless {@link #needsBody()}. */
    boolean passes(int status, HttpHeaders headers, CharSequence body);

    /** The status must fall in one of the ranges. */
    record Status(List<StatusRange> accepted) implements ResponseCheck {
        public Status {
            accepted = List.copyOf(accepted);
            if (accepted.isEmpty()) {
                throw new IllegalArgumentException("a status check needs at least one status or range, e.g. 2xx");
            }
        }

        /** Parses {@code ["2xx", "301", "400-404"]}. */
        public static Status parse(List<String> specs) {
            return new Status(specs.stream().map(StatusRange::parse).toList());
        }

        @Override
        public ErrorKind kind() {
            return ErrorKind.STATUS;
        }

        @Override
        public boolean passes(int status, HttpHeaders headers, CharSequence body) {
            for (StatusRange r : accepted) {
                if (status >= r.min() && status <= r.max()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** An inclusive range of status codes. */
    record StatusRange(int min, int max) {
        public StatusRange {
            if (min < 100 || max > 599 || min > max) {
                throw new IllegalArgumentException("status range " + min + "-" + max + " is not within 100-599");
            }
        }

        /** {@code 200}, {@code 2xx} or {@code 200-299}. */
        public static StatusRange parse(String spec) {
            String s = spec.trim().toLowerCase(Locale.ROOT);
            try {
                if (s.matches("[1-5]xx")) {
                    int c = (s.charAt(0) - '0') * 100;
                    return new StatusRange(c, c + 99);
                }
                int dash = s.indexOf('-');
                if (dash > 0) {
                    return new StatusRange(Integer.parseInt(s.substring(0, dash).trim()), Integer.parseInt(s.substring(dash + 1).trim()));
                }
                int code = Integer.parseInt(s);
                return new StatusRange(code, code);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + spec + "' is not a status; write e.g. 200, 2xx or 200-299");
            }
        }
    }

    /** The body must contain the text. */
    record BodyContains(String text) implements ResponseCheck {
        @Override
        public ErrorKind kind() {
            return ErrorKind.BODY_CONTAINS;
        }

        @Override
        public boolean needsBody() {
            return true;
        }

        @Override
        public boolean passes(int status, HttpHeaders headers, CharSequence body) {
            return body.toString().contains(text);
        }
    }

    /** Some part of the body must match the regular expression. */
    record BodyRegex(Pattern pattern) implements ResponseCheck {
        public static BodyRegex of(String regex) {
            try {
                return new BodyRegex(Pattern.compile(regex));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("body_regex '" + regex + "' is not a valid regular expression: " + e.getDescription());
            }
        }

        @Override
        public ErrorKind kind() {
            return ErrorKind.BODY_REGEX;
        }

        @Override
        public boolean needsBody() {
            return true;
        }

        @Override
        public boolean passes(int status, HttpHeaders headers, CharSequence body) {
            Matcher m = pattern.matcher(body);
            return m.find();
        }
    }

    /** The header must be present and, when a pattern is given, its value must match it entirely. */
    record Header(String name, Pattern value) implements ResponseCheck {
        public static Header of(String name, String valueRegex) {
            try {
                return new Header(name, valueRegex == null ? null : Pattern.compile(valueRegex));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("header check for '" + name + "' has an invalid regular expression: " + e.getDescription());
            }
        }

        @Override
        public ErrorKind kind() {
            return ErrorKind.HEADER;
        }

        @Override
        public boolean passes(int status, HttpHeaders headers, CharSequence body) {
            String v = headers.get(name);
            return v != null && (value == null || value.matcher(v).matches());
        }
    }
}
