package io.perfplan.plan;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates the inside of a {@code ${...}}. Plain references ({@code params.version},
 * {@code steps.load.metrics.latency.p99}, {@code steps['a'].outputs.x}), the step functions
 * ({@code failed('gate')}, {@code success()}), {@code true}/{@code false}, numbers and {@code !} of
 * those are resolved here without starting Groovy, with Groovy's semantics (a missing map key is
 * null); everything else goes to the sandboxed {@link ExpressionLanguage}, loaded on first need.
 *
 * <p>Functions are scope entries whose value is a {@link Supplier} (no argument) or a
 * {@link Function} of one string argument.
 */
public final class Expressions {

    private static final Pattern REFERENCE = Pattern.compile(
            "[A-Za-z_]\\w*(?:\\.[A-Za-z0-9_][\\w-]*|\\[\\s*'[^']*'\\s*]|\\[\\s*\"[^\"]*\"\\s*])*");
    private static final Pattern SEGMENT = Pattern.compile("\\.([A-Za-z0-9_][\\w-]*)|\\[\\s*'([^']*)'\\s*]|\\[\\s*\"([^\"]*)\"\\s*]");
    private static final Pattern CALL = Pattern.compile("([A-Za-z_]\\w*)\\(\\s*(?:'([^']*)'|\"([^\"]*)\")?\\s*\\)");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    private final Supplier<ExpressionLanguage> languageFactory;
    private volatile ExpressionLanguage language;

    public Expressions(Supplier<ExpressionLanguage> languageFactory) {
        this.languageFactory = languageFactory;
    }

    /** Longest text tried as a plain reference; longer text goes to the expression language and its limits. */
    private static final int MAX_PLAIN_CHARS = 500;

    /** True when the expression is resolved without Groovy. */
    public static boolean isPlain(String source) {
        if (source.length() > MAX_PLAIN_CHARS) {
            // the patterns below recurse once per segment: a reference of thousands of segments would overflow the stack
            return false;
        }
        String s = strip(source.trim());
        return s.equals("true") || s.equals("false") || NUMBER.matcher(s).matches()
                || REFERENCE.matcher(s).matches() || CALL.matcher(s).matches();
    }

    /** Checks that an expression compiles and is allowed, without evaluating it. */
    public void check(String source) {
        if (!isPlain(source)) {
            language().check(source);
        }
    }

    public Object evaluate(String source, Map<String, Object> scope) {
        String s = source.trim();
        if (!isPlain(s)) {
            return language().evaluate(s, scope);
        }
        boolean negate = s.startsWith("!");
        Object v = plain(strip(s), scope);
        if (negate) {
            return !truthy(v);
        }
        return v;
    }

    private static String strip(String s) {
        return s.startsWith("!") ? s.substring(1).trim() : s;
    }

    private Object plain(String s, Map<String, Object> scope) {
        if (s.equals("true") || s.equals("false")) {
            return Boolean.valueOf(s);
        }
        if (NUMBER.matcher(s).matches()) {
            return s.contains(".") ? (Object) Double.valueOf(s) : (Object) Long.valueOf(s);
        }
        Matcher call = CALL.matcher(s);
        if (call.matches()) {
            Object f = scope.get(call.group(1));
            String arg = call.group(2) != null ? call.group(2) : call.group(3);
            if (arg == null && f instanceof Supplier<?> sup) {
                return sup.get();
            }
            if (arg != null && f instanceof Function<?, ?> fn) {
                @SuppressWarnings("unchecked")
                Function<String, Object> typed = (Function<String, Object>) fn;
                return typed.apply(arg);
            }
            throw new ExpressionLanguage.ExpressionError("unknown function '" + call.group(1) + "'"
                    + Suggestions.didYouMean(call.group(1), List.of("success", "failure", "always", "passed", "failed")));
        }
        int firstEnd = 0;
        while (firstEnd < s.length() && (Character.isLetterOrDigit(s.charAt(firstEnd)) || s.charAt(firstEnd) == '_')) {
            firstEnd++;
        }
        String root = s.substring(0, firstEnd);
        if (!scope.containsKey(root)) {
            throw new ExpressionLanguage.ExpressionError("unknown name '" + root + "'"
                    + Suggestions.didYouMean(root, scope.keySet()) + "; names in scope: " + String.join(", ", scope.keySet()));
        }
        Object current = scope.get(root);
        Matcher m = SEGMENT.matcher(s);
        m.region(firstEnd, s.length());
        java.util.List<String> segments = new java.util.ArrayList<>();
        while (m.find()) {
            segments.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        for (int i = 0; i < segments.size(); i++) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            String key = segments.get(i);
            if (!map.containsKey(key)) {
                // metric names contain dots: steps.load.metrics.latency.p99 means metrics['latency.p99']
                int j = i + 1;
                StringBuilder joined = new StringBuilder(key);
                while (j < segments.size() && !map.containsKey(joined.toString())) {
                    joined.append('.').append(segments.get(j++));
                }
                if (map.containsKey(joined.toString())) {
                    current = map.get(joined.toString());
                    i = j - 1;
                    continue;
                }
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    /** Groovy truth: null, false, 0, empty strings and collections are false. */
    public static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof CharSequence c) {
            return c.length() > 0;
        }
        if (v instanceof java.util.Collection<?> c) {
            return !c.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    private ExpressionLanguage language() {
        ExpressionLanguage l = language;
        if (l == null) {
            synchronized (this) {
                if (language == null) {
                    language = languageFactory.get();
                }
                l = language;
            }
        }
        return l;
    }
}
