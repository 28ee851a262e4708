package io.perfplan.engine;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secret values by {@code ***} in any text. A value is also masked in the forms it takes
 * when written by perfplan or by the usual tools: JSON-escaped, URL-encoded ({@code +} or
 * {@code %20} for spaces), base64 (standard and URL-safe), and — for a multi-line value — each of its
 * lines of {@value #MIN_LINE} characters or more on its own (a child printing it line by line, an
 * expression splitting it). Values are matched literally (regex metacharacters mean nothing), longest
 * first, in one pass, so a secret that contains another is masked whole.
 */
public final class SecretMasker {

    public static final String MASK = "***";
    /** Shortest line of a multi-line secret masked on its own; shorter ones would mask ordinary words. */
    static final int MIN_LINE = 4;
    public static final SecretMasker NONE = new SecretMasker(List.of());

    /** Every secret this process has seen (see {@link #process()}). */
    private static volatile SecretMasker process = NONE;

    private final List<String> values;
    private final Pattern pattern;

    public SecretMasker(Collection<String> values) {
        this.values = values.stream().filter(v -> v != null && !v.isEmpty()).distinct().toList();
        Set<String> forms = new LinkedHashSet<>();
        for (String v : this.values) {
            forms.addAll(formsOf(v));
        }
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        this.pattern = sorted.isEmpty() ? null
                : Pattern.compile(String.join("|", sorted.stream().map(Pattern::quote).toList()));
    }

    /** The value and the encodings of it that are masked too. */
    static Set<String> formsOf(String v) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(v);
        StringBuilder json = new StringBuilder();
        com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(v, json);
        forms.add(json.toString());
        String url = URLEncoder.encode(v, StandardCharsets.UTF_8);
        forms.add(url);
        forms.add(url.replace("+", "%20"));
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        forms.add(Base64.getEncoder().encodeToString(bytes));
        forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            v.lines().map(String::strip).filter(l -> l.length() >= MIN_LINE).forEach(forms::add);
        }
        return forms;
    }

    /**
     * What every secret of every run in this process is masked by, for output that does not pass
     * through a run's own masker (the CLI's stdout and stderr, library logs). Secrets are only added.
     */
    public static SecretMasker process() {
        return process;
    }

    /** Adds {@code values} to {@link #process()}. */
    public static synchronized void addToProcess(Collection<String> values) {
        if (values.stream().allMatch(v -> v == null || v.isEmpty() || process.values.contains(v))) {
            return;
        }
        List<String> all = new ArrayList<>(process.values);
        all.addAll(values);
        process = new SecretMasker(all);
    }

    public boolean isEmpty() {
        return pattern == null;
    }

    public String mask(String text) {
        if (text == null || pattern == null) {
            return text;
        }
        Matcher m = pattern.matcher(text);
        return m.find() ? m.replaceAll(Matcher.quoteReplacement(MASK)) : text;
    }

    /** Masks every string in a tree of maps and lists. */
    public Object maskTree(Object value) {
        if (pattern == null) {
            return value;
        }
        if (value instanceof String s) {
            return mask(s);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(mask(String.valueOf(k)), maskTree(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(this::maskTree).toList();
        }
        return value;
    }
}
