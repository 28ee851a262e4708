package io.perfplan.core.logs;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sends an alert as a JSON POST ({@code {"rule", "severity", "message", "fired_at", ...context}}) to
 * a URL; any 2xx answer is success. One attempt, bounded by the timeout.
 */
public final class WebhookChannel {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI url;
    private final Duration timeout;

    public WebhookChannel(HttpClient client, URI url, Duration timeout) {
        this.client = client;
        this.url = url;
        this.timeout = timeout;
    }

    /**
     * Posts the alert with extra context fields (e.g. plan, run id).
     *
     * @throws IOException when the webhook does not answer 2xx within the timeout
     */
    public void send(Alert alert, Map<String, Object> context) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rule", alert.rule());
        body.put("severity", alert.severity());
        body.put("message", alert.message());
        body.put("fired_at", alert.firedAt().toString());
        body.putAll(context);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        HttpResponse<Void> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("sending the alert to " + url + " was interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the webhook " + url + " answered HTTP " + response.statusCode() + " to an alert");
        }
    }
}
