package io.perfplan.plan;

import java.util.Locale;

/** Converts parameter values (from YAML or from {@code -p name=value}) to their declared type. */
public final class ParamValues {

    private ParamValues() {}

    /** The value as the type wants it; throws {@link IllegalArgumentException} with "must be ..." text. */
    public static Object coerce(Object value, Plan.ParamType type) {
        String s = String.valueOf(value).trim();
        try {
            return switch (type) {
                case STRING -> String.valueOf(value);
                case INT -> value instanceof Long l ? l : Long.parseLong(s);
                case NUMBER -> value instanceof Number n ? n.doubleValue() : Double.parseDouble(s);
                case BOOLEAN -> {
                    if (value instanceof Boolean b) {
                        yield b;
                    }
                    String l = s.toLowerCase(Locale.ROOT);
                    if (l.equals("true") || l.equals("false")) {
                        yield Boolean.parseBoolean(l);
                    }
                    throw new NumberFormatException();
                }
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' must be " + switch (type) {
                case INT -> "a whole number";
                case NUMBER -> "a number";
                case BOOLEAN -> "true or false";
                case STRING -> "text";
            });
        }
    }
}
