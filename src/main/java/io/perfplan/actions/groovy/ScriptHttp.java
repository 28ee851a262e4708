package io.perfplan.actions.groovy;

import io.perfplan.engine.StepContext;
import io.perfplan.plan.Quantities;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HTTP client a script gets as {@code ctx.http} ({@code java.net.http}, HTTP/1.1): one request
 * at a time, each with a timeout (default {@value #DEFAULT_TIMEOUT_SECONDS} s, never past the
 * step's own deadline). Any status is returned, not thrown; a connection failure throws.
 *
 * <pre>
 * def r = ctx.http.get('http://127.0.0.1:8080/health')
 * ctx.http.post('http://127.0.0.1:9000/hook', json: [text: 'done'], headers: ['X-Token': 'abc'], timeout: '2s')
 * </pre>
 */
public final class ScriptHttp {

    static final int DEFAULT_TIMEOUT_SECONDS = 10;
    private static volatile HttpClient client;

    private final StepContext step;

    ScriptHttp(StepContext step) {
        this.step = step;
    }

    public HttpReply get(String url) throws IOException, InterruptedException {
        return request(Map.of(), "GET", url);
    }

    /** Options: {@code headers} (map), {@code timeout} ("2s" or a Duration). */
    public HttpReply get(Map<String, Object> options, String url) throws IOException, InterruptedException {
        return request(options, "GET", url);
    }

    /** Options: {@code json} (any value, sent as JSON) or {@code body} (text), {@code headers}, {@code timeout}. */
    public HttpReply post(Map<String, Object> options, String url) throws IOException, InterruptedException {
        return request(options, "POST", url);
    }

    /** POSTs {@code body} as JSON. */
    public HttpReply postJson(String url, Object body) throws IOException, InterruptedException {
        return request(Map.of("json", body), "POST", url);
    }

    /** Any method: {@code ctx.http.request('PUT', url, body: 'x')}. */
    public HttpReply request(Map<String, Object> options, String method, String url) throws IOException, InterruptedException {
        for (String k : options.keySet()) {
            if (!java.util.Set.of("json", "body", "headers", "timeout").contains(k)) {
                throw new IllegalArgumentException("unknown HTTP option '" + k + "'; options: body, headers, json, timeout");
            }
        }
        Duration timeout = timeout(options.get("timeout"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (options.containsKey("json")) {
            body = HttpRequest.BodyPublishers.ofString(ScriptJson.write(options.get("json")), StandardCharsets.UTF_8);
            b.header("Content-Type", "application/json");
        } else if (options.get("body") != null) {
            body = HttpRequest.BodyPublishers.ofString(String.valueOf(options.get("body")), StandardCharsets.UTF_8);
        }
        if (options.get("headers") instanceof Map<?, ?> headers) {
            headers.forEach((k, v) -> b.header(String.valueOf(k), String.valueOf(v)));
        }
        b.method(method, body);
        long start = System.nanoTime();
        HttpResponse<String> r = client().send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        double millis = (System.nanoTime() - start) / 1e6;
        Map<String, java.util.List<String>> h = new TreeMap<>();
        r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return new HttpReply(r.statusCode(), r.body(), h, millis);
    }

    private Duration timeout(Object value) {
        Duration t = value == null ? Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS)
                : value instanceof Duration d ? d : Quantities.duration(String.valueOf(value));
        Duration left = step.remaining();
        t = t.compareTo(left) > 0 ? left : t;
        return t.isZero() || t.isNegative() ? Duration.ofMillis(1) : t;
    }

    private static HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (ScriptHttp.class) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                            .followRedirects(HttpClient.Redirect.NORMAL).build();
                    client = c;
                }
            }
        }
        return c;
    }
}
