package io.perfplan.core.logs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus text exposition format (version 0.0.4): parsing and a plain HTTP scrape. Comments
 * ({@code # HELP}, {@code # TYPE}) are skipped; timestamps after the value are ignored; {@code NaN},
 * {@code +Inf} and {@code -Inf} are read as doubles.
 */
public final class PrometheusText {

    /** One series value: {@code name{labels} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {

        /** {@code name} or {@code name{k="v",...}} as written in a selector. */
        public String series() {
            if (labels.isEmpty()) {
                return name;
            }
            StringBuilder b = new StringBuilder(name).append('{');
            labels.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
            b.setLength(b.length() - 1);
            return b.append('}').toString();
        }

        /** True when this sample has {@code name} and every label of {@code selector} with the same value. */
        public boolean matches(String selectorName, Map<String, String> selectorLabels) {
            if (!name.equals(selectorName)) {
                return false;
            }
            for (Map.Entry<String, String> e : selectorLabels.entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
    }

    private PrometheusText() {
    }

    /**
     * Parses an exposition.
     *
     * @throws IllegalArgumentException naming the first line that is not a sample or comment
     */
    public static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            out.add(sample(line, lineNo));
        }
        return out;
    }

    /** Parses a selector: {@code name} or {@code name{label="value",...}}; answers the name and labels. */
    public static Sample selector(String text) {
        String s = text.strip();
        try {
            Sample parsed = sample(s + " 0", 1);
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("series '" + text + "' is not a Prometheus selector; write name or name{label=\"value\"}.");
        }
    }

    private static Sample sample(String line, int lineNo) {
        int i = 0;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_' || line.charAt(i) == ':')) {
            i++;
        }
        if (i == 0) {
            throw bad(line, lineNo);
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
                    i++;
                }
                if (i < line.length() && line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    throw bad(line, lineNo);
                }
                String key = line.substring(i, eq).strip();
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; j < line.length() && line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\' && j + 1 < line.length()) {
                        char n = line.charAt(++j);
                        value.append(n == 'n' ? '\n' : n);
                    } else {
                        value.append(c);
                    }
                }
                if (j >= line.length()) {
                    throw bad(line, lineNo);
                }
                labels.put(key, value.toString());
                i = j + 1;
            }
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            throw bad(line, lineNo);
        }
        double value;
        try {
            value = switch (rest[0]) {
                case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(rest[0]);
            };
        } catch (NumberFormatException e) {
            throw bad(line, lineNo);
        }
        return new Sample(name, labels, value);
    }

    private static IllegalArgumentException bad(String line, int lineNo) {
        return new IllegalArgumentException("line " + lineNo + " of the metrics page is not a Prometheus sample: '"
                + (line.length() > 80 ? line.substring(0, 80) + "…" : line) + "'");
    }

    /**
     * Fetches and parses {@code url}.
     *
     * @throws IOException when the target does not answer 200 within {@code timeout}, or the page does not parse
     */
    public static List<Sample> scrape(HttpClient client, URI url, Duration timeout) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Accept", "text/plain;version=0.0.4").GET().build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the scrape of " + url + " was interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered HTTP " + response.statusCode() + " instead of a metrics page; check metrics_url.");
        }
        try {
            return parse(response.body());
        } catch (IllegalArgumentException e) {
            throw new IOException(url + ": " + e.getMessage() + "; check that metrics_url serves the Prometheus text format.", e);
        }
    }
}
