package io.perfplan.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * A plan value with {@code ${...}} expressions. A value that is one whole expression keeps the
 * expression's type; text around expressions makes a string; {@code $${} writes a literal {@code ${}.
 * Rendering happens once: what an expression returns is data and is never parsed again.
 */
public final class Template {

    /** A literal piece or an expression (its source, without the delimiters, and its column offset). */
    public sealed interface Part permits Literal, Expr {}

    public record Literal(String text) implements Part {}

    public record Expr(String source, int offset) implements Part {}

    private final List<Part> parts;

    private Template(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    public List<Part> parts() {
        return parts;
    }

    /** True when the text has no expression at all (escapes are still unescaped by {@link #render}). */
    public boolean isConstant() {
        return parts.stream().noneMatch(p -> p instanceof Expr);
    }

    public static boolean hasExpression(Object value) {
        return value instanceof String s && s.contains("${");
    }

    /** Parses text; throws {@link IllegalArgumentException} for an unclosed {@code ${}. */
    public static Template parse(String text) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = closingBrace(text, i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '${' at column " + (i + 1) + "; close it with '}' or write '$${' for a literal");
                }
                if (literal.length() > 0) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                String source = text.substring(i + 2, end).trim();
                if (source.isEmpty()) {
                    throw new IllegalArgumentException("empty expression '${}' at column " + (i + 1));
                }
                parts.add(new Expr(source, i));
                i = end + 1;
            } else {
                literal.append(text.charAt(i++));
            }
        }
        if (literal.length() > 0 || parts.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new Template(parts);
    }

    /** Index of the '}' closing an expression that starts at {@code from}, skipping nested braces and string literals. */
    private static int closingBrace(String s, int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }

    /** Evaluates the expressions against the scope. */
    public Object render(Expressions expressions, java.util.Map<String, Object> scope) {
        if (parts.size() == 1 && parts.get(0) instanceof Expr e) {
            return expressions.evaluate(e.source(), scope);
        }
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Literal l) {
                out.append(l.text());
            } else {
                Object v = expressions.evaluate(((Expr) p).source(), scope);
                out.append(v == null ? "" : v);
            }
        }
        return out.toString();
    }

    /** Renders every string in a tree of values (maps and lists are copied; other values kept). */
    public static Object renderTree(Object value, Expressions expressions, java.util.Map<String, Object> scope) {
        if (value instanceof String s) {
            return s.contains("$") ? parse(s).render(expressions, scope) : s;
        }
        if (value instanceof java.util.Map<?, ?> m) {
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), renderTree(v, expressions, scope)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(renderTree(o, expressions, scope));
            }
            return out;
        }
        return value;
    }
}
