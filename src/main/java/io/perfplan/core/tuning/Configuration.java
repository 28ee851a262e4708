package io.perfplan.core.tuning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One assignment of a value (as text) to every parameter, in the parameters' order. Trials receive
 * it through placeholders {@code {{trial.<name>}}} in their command and environment.
 */
public record Configuration(Map<String, String> values) {

    /** {@code {{trial.name}}}, spaces allowed inside the braces. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*trial\\.([A-Za-z_][A-Za-z0-9_.-]*)\\s*}}");

    public Configuration {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The parameter names {@code text} refers to with {@code {{trial.<name>}}}. */
    public static Set<String> placeholders(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * Replaces every {@code {{trial.<name>}}} by this configuration's value; other text, including other
     * {@code {{...}}}, is kept. Throws {@link IllegalArgumentException} for a name without a value.
     */
    public String substitute(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException("'{{trial." + m.group(1) + "}}' names no parameter; declare it under parameters "
                        + "or use one of: " + String.join(", ", values.keySet()) + ".");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code threads=4 heap=512m}, for logs. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }
}
