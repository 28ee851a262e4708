package io.perfplan.core.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Recursive-descent parser of {@link Threshold} text:
 * <pre>
 * expr       := and ("or" and)*
 * and        := primary ("and" primary)*
 * primary    := "(" expr ")" | comparison
 * comparison := METRIC OP NUMBER [UNIT]
 * </pre>
 * METRIC is {@code step.name[.more]} (or, for a step's own metrics, a bare {@code name[.more]});
 * errors name the 1-based column where the text went wrong.
 */
final class ThresholdParser {

    private final String text;
    private final boolean qualified;
    private int pos;

    /** @param qualified whether metric names must start with a step id ({@code load.latency.p99}) */
    ThresholdParser(String text, boolean qualified) {
        this.text = text;
        this.qualified = qualified;
    }

    Threshold parse() {
        Threshold t = orExpression();
        skipSpaces();
        if (pos < text.length()) {
            throw error("expected 'and', 'or' or the end of the threshold, found '" + rest() + "'");
        }
        return t;
    }

    private Threshold orExpression() {
        List<Threshold> parts = new ArrayList<>();
        parts.add(andExpression());
        while (keyword("or")) {
            parts.add(andExpression());
        }
        return parts.size() == 1 ? parts.get(0) : new Threshold.Any(parts);
    }

    private Threshold andExpression() {
        List<Threshold> parts = new ArrayList<>();
        parts.add(primary());
        while (keyword("and")) {
            parts.add(primary());
        }
        return parts.size() == 1 ? parts.get(0) : new Threshold.All(parts);
    }

    private Threshold primary() {
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == '(') {
            pos++;
            Threshold inner = orExpression();
            skipSpaces();
            if (pos >= text.length() || text.charAt(pos) != ')') {
                throw error("expected ')' to close the '(' before it");
            }
            pos++;
            return inner;
        }
        return comparison();
    }

    private Threshold.Comparison comparison() {
        skipSpaces();
        String metric = metric();
        skipSpaces();
        Threshold.Operator op = operator(metric);
        skipSpaces();
        double limit = number(metric, op);
        int unitStart = pos;
        skipSpaces();
        Optional<QuantityUnit> unit = Optional.empty();
        String word = peekUnit();
        if (!word.isEmpty() && !isKeyword(word)) {
            unit = QuantityUnit.fromSymbol(word).filter(u -> !word.isEmpty());
            if (unit.isEmpty()) {
                throw error("unknown unit '" + word + "'; use ns, us, ms, s, min, h, B, KB, MB, GB, KiB, MiB, GiB, %, /s or x");
            }
            pos += word.length();
        } else {
            pos = unitStart;
        }
        return new Threshold.Comparison(metric, op, limit, unit);
    }

    private String metric() {
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos))) {
            pos++;
        }
        String name = text.substring(start, pos);
        if (name.isEmpty()) {
            pos = start;
            throw error("expected a metric such as load.latency.p99, found '" + rest() + "'");
        }
        int dot = name.indexOf('.');
        if ((qualified ? dot <= 0 : dot == 0) || name.contains("..") || name.endsWith(".")) {
            pos = start;
            throw error("'" + name + "' is not a metric reference; write <step>.<metric>, e.g. load.latency.p99");
        }
        return name;
    }

    private Threshold.Operator operator(String metric) {
        String two = text.startsWith("<=", pos) ? "<=" : text.startsWith(">=", pos) ? ">="
                : text.startsWith("==", pos) ? "==" : text.startsWith("!=", pos) ? "!=" : null;
        if (two != null) {
            pos += 2;
            for (Threshold.Operator o : Threshold.Operator.values()) {
                if (o.symbol().equals(two)) {
                    return o;
                }
            }
        }
        if (pos < text.length() && (text.charAt(pos) == '<' || text.charAt(pos) == '>')) {
            return text.charAt(pos++) == '<' ? Threshold.Operator.LESS : Threshold.Operator.GREATER;
        }
        if (pos < text.length() && text.charAt(pos) == '=') {
            throw error("'=' is not a comparison; use == (or <=, >=)");
        }
        throw error("expected a comparison (<, <=, >, >=, == or !=) after '" + metric + "'"
                + (pos < text.length() ? ", found '" + rest() + "'" : ""));
    }

    private double number(String metric, Threshold.Operator op) {
        int start = pos;
        if (pos < text.length() && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
            pos++;
        }
        int digits = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        if (pos == digits || (pos == digits + 1 && text.charAt(digits) == '.')) {
            pos = start;
            throw error("expected a number after '" + metric + " " + op.symbol() + "'"
                    + (pos < text.length() ? ", found '" + rest() + "'" : "") + ", e.g. 250ms");
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')
                && pos + 1 < text.length() && (Character.isDigit(text.charAt(pos + 1))
                || ((text.charAt(pos + 1) == '-' || text.charAt(pos + 1) == '+') && pos + 2 < text.length()
                && Character.isDigit(text.charAt(pos + 2))))) {
            pos += 2;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        return Double.parseDouble(text.substring(start, pos));
    }

    /** The unit word at the current position ({@code ms}, {@code %}, {@code /s}, {@code KiB}), or empty. */
    private String peekUnit() {
        if (pos >= text.length()) {
            return "";
        }
        if (text.startsWith("/s", pos)) {
            return "/s";
        }
        if (text.charAt(pos) == '%') {
            return "%";
        }
        int end = pos;
        while (end < text.length() && (Character.isLetter(text.charAt(end)))) {
            end++;
        }
        return text.substring(pos, end);
    }

    private boolean keyword(String word) {
        skipSpaces();
        int end = pos + word.length();
        if (end <= text.length() && text.substring(pos, end).equalsIgnoreCase(word)
                && (end == text.length() || !isNameChar(text.charAt(end)))) {
            pos = end;
            return true;
        }
        return false;
    }

    private static boolean isKeyword(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        return w.equals("and") || w.equals("or");
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private String rest() {
        String r = text.substring(pos).trim();
        return r.length() > 20 ? r.substring(0, 20) + "..." : r;
    }

    private IllegalArgumentException error(String why) {
        return new IllegalArgumentException("threshold \"" + text + "\", column " + (pos + 1) + ": " + why);
    }
}
