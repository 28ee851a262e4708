package io.perfplan.core.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs each alert as a JSON object ({@link Alert#toJsonFields()}) to a URL. A 2xx answer counts as
 * delivered; a connection failure, a timeout, a 5xx or a 429 is retried up to {@code attempts} times
 * in all, waiting {@code backoff}, then twice that, and so on; any other status is not retried.
 *
 * @param url      the webhook
 * @param headers  extra request headers (e.g. Authorization)
 * @param timeout  longest wait for one answer
 * @param attempts tries in all, at least 1
 * @param backoff  wait before the second try (doubled each time after)
 */
public record WebhookChannel(URI url, Map<String, String> headers, Duration timeout, int attempts, Duration backoff)
        implements AlertChannel {

    private static final ObjectMapper JSON = new ObjectMapper();

    public WebhookChannel {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new IllegalArgumentException("webhook URL " + url + " must start with http:// or https://");
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("webhook attempts must be at least 1");
        }
        headers = Map.copyOf(headers);
    }

    @Override
    public Delivery send(Alert alert) {
        String body;
        try {
            body = JSON.writeValueAsString(alert.toJsonFields());
        } catch (JsonProcessingException e) {
            return new Delivery(false, 0, "the alert could not be written as JSON: " + e.getOriginalMessage());
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        String problem = null;
        Duration wait = backoff;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "perfplan")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(b::header);
            boolean retry;
            try {
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    return new Delivery(true, attempt, null);
                }
                problem = "answered " + r.statusCode();
                retry = r.statusCode() >= 500 || r.statusCode() == 429;
            } catch (IOException e) {
                problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                retry = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Delivery(false, attempt, "interrupted");
            }
            if (!retry) {
                return new Delivery(false, attempt, problem);
            }
            if (attempt < attempts) {
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Delivery(false, attempt, "interrupted");
                }
                wait = wait.multipliedBy(2);
            }
        }
        return new Delivery(false, attempts, problem);
    }

    @Override
    public String describe() {
        return "webhook " + url;
    }
}
