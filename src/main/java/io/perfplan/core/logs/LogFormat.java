package io.perfplan.core.logs;

import java.util.List;
import java.util.Locale;

/**
 * How the lines of a log file are written. {@link #AUTO} picks one of the others from the first
 * lines of the file.
 */
public enum LogFormat {
    /** Chosen per file from its first lines. */
    AUTO,
    /** Logback or Log4j pattern layouts: a date-time, then the level somewhere before the message. */
    PATTERN,
    /** One JSON object per line (logstash-logback-encoder, Log4j JsonTemplateLayout, bunyan, zap, ...). */
    JSON,
    /** nginx or Apache combined access log, optionally followed by the request time. */
    ACCESS;

    /** The format named by {@code text} (case-insensitive; {@code logback}, {@code log4j}, {@code nginx}, {@code apache}, {@code combined} are aliases). */
    public static LogFormat named(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "pattern", "logback", "log4j" -> PATTERN;
            case "json", "jsonl", "json-lines" -> JSON;
            case "access", "nginx", "apache", "combined" -> ACCESS;
            default -> throw new IllegalArgumentException("log format '" + text
                    + "' is unknown; use auto, logback, log4j, json, nginx or apache.");
        };
    }

    /** The format most of {@code lines} parse in (PATTERN when none parses). */
    public static LogFormat detect(List<String> lines) {
        int[] hits = new int[values().length];
        for (String line : lines) {
            for (LogFormat f : List.of(JSON, ACCESS, PATTERN)) {
                if (LogParser.parse(line, f, java.time.ZoneId.systemDefault()).isPresent()) {
                    hits[f.ordinal()]++;
                    break;
                }
            }
        }
        LogFormat best = PATTERN;
        for (LogFormat f : List.of(JSON, ACCESS, PATTERN)) {
            if (hits[f.ordinal()] > hits[best.ordinal()]) {
                best = f;
            }
        }
        return best;
    }
}
