package io.perfplan.plan;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsing of the quantities plans are written in: durations ({@code 250ms}, {@code 10s}, {@code 5m},
 * {@code 1h}, {@code 1m30s}), sizes ({@code 512MB}, {@code 1GiB}) and percentages ({@code 1%}).
 * Each parser throws {@link IllegalArgumentException} with a message that says what is accepted.
 */
public final class Quantities {

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|k|m|g)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PERCENT = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*%");

    private Quantities() {}

    /** A duration such as {@code 250ms}, {@code 10s}, {@code 1m30s}; a bare number is seconds. */
    public static Duration duration(String text) {
        String s = text.trim();
        if (s.matches("\\d+(\\.\\d+)?")) {
            return Duration.ofNanos(Math.round(Double.parseDouble(s) * 1e9));
        }
        Matcher m = DURATION_PART.matcher(s);
        int pos = 0;
        double nanos = 0;
        while (m.find() && m.start() == pos) {
            double v = Double.parseDouble(m.group(1));
            nanos += v * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> 86400e9;
            };
            pos = m.end();
        }
        if (pos == 0 || pos != s.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 250ms, 10s, 5m, 1h or 1m30s");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** A size in bytes such as {@code 512MB} (decimal) or {@code 1GiB} (binary); a bare number is bytes. */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 512MB, 1GiB or 4096");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        double factor = switch (unit.toLowerCase(Locale.ROOT)) {
            case "b" -> 1;
            case "kb" -> 1e3;
            case "mb" -> 1e6;
            case "gb" -> 1e9;
            case "tb" -> 1e12;
            case "kib", "k" -> 1024;
            case "mib", "m" -> 1024 * 1024;
            case "gib", "g" -> 1024 * 1024 * 1024;
            default -> 1024.0 * 1024 * 1024 * 1024;
        };
        return Math.round(v * factor);
    }

    /** A percentage such as {@code 1%} or {@code 0.5%}, returned in percent (1% → 1.0). */
    public static double percent(String text) {
        Matcher m = PERCENT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a percentage; write e.g. 1% or 0.5%");
        }
        return Double.parseDouble(m.group(1));
    }

    /** Formats a duration the way plans write them: {@code 250ms}, {@code 1.5s}, {@code 2m}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0).replace(".0s", "s");
        }
        return String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
    }
}
