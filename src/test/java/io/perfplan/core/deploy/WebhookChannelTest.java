package io.perfplan.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook alerts against a real local HTTP server: the JSON body, headers, retries with backoff, and giving up. */
class WebhookChannelTest {

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> auth = new CopyOnWriteArrayList<>();
    private final AtomicInteger failFirst = new AtomicInteger();
    private final AtomicInteger status = new AtomicInteger(200);

    private final Alert alert = new Alert("rolled_back", "checkout", "staging", "1.4", "1.5", "1.5 failed its gate; back on 1.4",
            "42", "nightly", Instant.parse("2026-01-02T03:04:05Z"));

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            int code = failFirst.getAndDecrement() > 0 ? 503 : status.get();
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private WebhookChannel channel(int attempts) {
        return new WebhookChannel(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"),
                Map.of("Authorization", "Bearer t0ken"), Duration.ofSeconds(5), attempts, Duration.ofMillis(50));
    }

    @Test
    void postsTheAlertAsJson() throws Exception {
        AlertChannel.Delivery d = channel(3).send(alert);
        assertThat(d).isEqualTo(new AlertChannel.Delivery(true, 1, null));
        assertThat(bodies).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = new ObjectMapper().readValue(bodies.get(0), Map.class);
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("source", "perfplan");
        expected.put("event", "rolled_back");
        expected.put("service", "checkout");
        expected.put("environment", "staging");
        expected.put("version", "1.4");
        expected.put("previous_version", "1.5");
        expected.put("message", "1.5 failed its gate; back on 1.4");
        expected.put("run_id", "42");
        expected.put("plan", "nightly");
        expected.put("at", "2026-01-02T03:04:05Z");
        assertThat(json).isEqualTo(expected);
        assertThat(json.keySet()).containsExactlyElementsOf(expected.keySet());
        assertThat(auth).containsExactly("Bearer t0ken");
    }

    @Test
    void retriesServerErrorsWithBackoff() {
        failFirst.set(2);
        long start = System.nanoTime();
        AlertChannel.Delivery d = channel(3).send(alert);
        assertThat(d).isEqualTo(new AlertChannel.Delivery(true, 3, null));
        assertThat(bodies).hasSize(3).allMatch(b -> b.equals(bodies.get(0)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited 50 ms, then 100 ms").isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void givesUpAfterTheLastAttemptAndDoesNotRetryClientErrors() throws Exception {
        status.set(500);
        assertThat(channel(2).send(alert)).isEqualTo(new AlertChannel.Delivery(false, 2, "answered 500"));
        bodies.clear();
        status.set(404);
        assertThat(channel(3).send(alert)).isEqualTo(new AlertChannel.Delivery(false, 1, "answered 404"));
        assertThat(bodies).hasSize(1);
        server.stop(0);
        AlertChannel.Delivery refused = channel(2).send(alert);
        assertThat(refused.delivered()).isFalse();
        assertThat(refused.attempts()).isEqualTo(2);
        assertThat(refused.problem()).isNotBlank();
    }
}
