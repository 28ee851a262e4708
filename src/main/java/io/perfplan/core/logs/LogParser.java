package io.perfplan.core.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses one log line in a {@link LogFormat}. Lines that do not parse (stack-trace continuations,
 * banners) answer empty. Timestamps without a zone are read in the given zone; a time of day without
 * a date (logback's console default {@code HH:mm:ss.SSS}) is taken as today in that zone.
 */
public final class LogParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** 2024-05-01 12:00:00.123, 2024-05-01T12:00:00,123+02:00, or 12:00:00.123 at the start of a line. */
    private static final Pattern PATTERN_LINE = Pattern.compile(
            "^\\[?(?<ts>(?:\\d{4}-\\d{2}-\\d{2}[T ])?\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?)\\]?\\s+(?<rest>.*)$");
    private static final Pattern LEVEL = Pattern.compile(
            "(?<![A-Za-z])\\[?(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE)\\]?(?![A-Za-z])");
    /** After the level: "[thread] logger - message", "logger: message" or just the message. */
    private static final Pattern AFTER_LEVEL = Pattern.compile("^\\s*(?:\\[[^\\]]*\\]\\s*)?(?:[\\w.$]+\\s*)?(?:-|:)\\s(?<msg>.*)$");

    /** host ident user [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 2326 "ref" "agent" [request time] */
    private static final Pattern ACCESS_LINE = Pattern.compile(
            "^\\S+ \\S+ \\S+ \\[(?<ts>[^\\]]+)\\] \"(?<req>[^\"]*)\" (?<status>\\d{3}) \\S+(?: \"[^\"]*\" \"[^\"]*\")?(?<tail>.*)$");
    private static final DateTimeFormatter ACCESS_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    private static final Pattern TAIL_TIME = Pattern.compile("(?:^|\\s)(?:[a-z_]+=)?\"?(?<t>\\d+(?:\\.\\d+)?)\"?(?:\\s|$)");

    private LogParser() {
    }

    /** Parses {@code line} in {@code format} ({@link LogFormat#AUTO} tries each). */
    public static Optional<LogEntry> parse(String line, LogFormat format, ZoneId zone) {
        return switch (format) {
            case PATTERN -> pattern(line, zone);
            case JSON -> json(line, zone);
            case ACCESS -> access(line);
            case AUTO -> json(line, zone).or(() -> access(line)).or(() -> pattern(line, zone));
        };
    }

    private static Optional<LogEntry> pattern(String line, ZoneId zone) {
        Matcher m = PATTERN_LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<Instant> ts = timestamp(m.group("ts"), zone);
        if (ts.isEmpty()) {
            return Optional.empty();
        }
        String rest = m.group("rest");
        Matcher level = LEVEL.matcher(rest);
        if (!level.find()) {
            return Optional.empty();
        }
        String after = rest.substring(level.end());
        Matcher msg = AFTER_LEVEL.matcher(after);
        String message = msg.matches() ? msg.group("msg") : after.strip();
        return Optional.of(new LogEntry(ts.get(), normalLevel(level.group(1)), message, 0, Double.NaN));
    }

    private static Optional<LogEntry> json(String line, ZoneId zone) {
        String s = line.strip();
        if (!s.startsWith("{")) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(s);
        } catch (Exception e) {
            return Optional.empty();
        }
        JsonNode t = first(node, "@timestamp", "timestamp", "time", "ts", "date", "instant");
        if (t == null) {
            return Optional.empty();
        }
        Instant ts;
        if (t.isNumber()) {
            double v = t.asDouble();
            ts = v > 1e11 ? Instant.ofEpochMilli((long) v) : Instant.ofEpochMilli(Math.round(v * 1000));
        } else if (t.isObject() && t.has("epochSecond")) {
            ts = Instant.ofEpochSecond(t.get("epochSecond").asLong(), t.path("nanoOfSecond").asLong());
        } else {
            Optional<Instant> parsed = timestamp(t.asText(), zone);
            if (parsed.isEmpty()) {
                return Optional.empty();
            }
            ts = parsed.get();
        }
        JsonNode lv = first(node, "level", "severity", "log.level", "lvl", "levelname");
        if (lv == null && node.has("log") && node.get("log").has("level")) {
            lv = node.get("log").get("level");
        }
        String level = lv == null ? "INFO" : lv.isNumber() ? bunyanLevel(lv.asInt()) : normalLevel(lv.asText());
        JsonNode msg = first(node, "message", "msg", "event");
        return Optional.of(new LogEntry(ts, level, msg == null ? "" : msg.asText(), 0, Double.NaN));
    }

    private static Optional<LogEntry> access(String line) {
        Matcher m = ACCESS_LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        Instant ts;
        try {
            ts = ZonedDateTime.parse(m.group("ts"), ACCESS_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        int status = Integer.parseInt(m.group("status"));
        String[] req = m.group("req").split(" ");
        String path = req.length > 1 ? req[1] : req[0];
        int q = path.indexOf('?');
        String message = (req.length > 1 ? req[0] + " " : "") + (q >= 0 ? path.substring(0, q) : path);
        double latency = Double.NaN;
        Matcher tail = TAIL_TIME.matcher(m.group("tail"));
        if (tail.find()) {
            String t = tail.group("t");
            // nginx $request_time is seconds with a fraction; Apache %D is whole microseconds
            latency = t.contains(".") ? Double.parseDouble(t) * 1000 : Long.parseLong(t) / 1000.0;
        }
        String level = status >= 500 ? "ERROR" : status >= 400 ? "WARN" : "INFO";
        return Optional.of(new LogEntry(ts, level, message, status, latency));
    }

    private static JsonNode first(JsonNode node, String... names) {
        for (String n : names) {
            JsonNode v = node.get(n);
            if (v != null && !v.isNull()) {
                return v;
            }
        }
        return null;
    }

    static Optional<Instant> timestamp(String text, ZoneId zone) {
        String s = text.strip().replace(',', '.');
        try {
            if (s.length() <= 18 && s.indexOf('-') < 0) {
                return Optional.of(LocalDate.now(zone).atTime(java.time.LocalTime.parse(s)).atZone(zone).toInstant());
            }
            s = s.replace(' ', 'T');
            if (s.endsWith("Z") || s.matches(".*[+-]\\d{2}:?\\d{2}$")) {
                if (s.matches(".*[+-]\\d{4}$")) {
                    s = s.substring(0, s.length() - 2) + ":" + s.substring(s.length() - 2);
                }
                return Optional.of(OffsetDateTime.parse(s).toInstant());
            }
            return Optional.of(LocalDateTime.parse(s).atZone(zone).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String normalLevel(String level) {
        String l = level.toUpperCase(Locale.ROOT);
        return switch (l) {
            case "WARNING" -> "WARN";
            case "SEVERE", "ERR", "CRITICAL", "CRIT", "ALERT", "EMERG" -> l.equals("SEVERE") || l.startsWith("ERR") ? "ERROR" : "FATAL";
            case "FINE", "FINER", "FINEST" -> "DEBUG";
            case "NOTICE" -> "INFO";
            default -> l;
        };
    }

    private static String bunyanLevel(int level) {
        return level >= 60 ? "FATAL" : level >= 50 ? "ERROR" : level >= 40 ? "WARN" : level >= 30 ? "INFO" : level >= 20 ? "DEBUG" : "TRACE";
    }
}
