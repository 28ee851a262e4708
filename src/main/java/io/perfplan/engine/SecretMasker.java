package io.perfplan.engine;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Replaces secret values by {@code ***} in any text; longest values first so overlaps are masked whole. */
public final class SecretMasker {

    public static final SecretMasker NONE = new SecretMasker(List.of());
    private final List<String> values;

    public SecretMasker(List<String> values) {
        this.values = values.stream().filter(v -> v != null && !v.isEmpty()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String mask(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : values) {
            out = out.replace(v, "***");
        }
        return out;
    }

    /** Masks every string in a tree of maps and lists. */
    public Object maskTree(Object value) {
        if (values.isEmpty()) {
            return value;
        }
        if (value instanceof String s) {
            return mask(s);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), maskTree(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(this::maskTree).toList();
        }
        return value;
    }
}
