package io.perfplan.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** W3C traceparent headers on a sampled share of requests, as a real server receives them. */
class TraceparentTest {

    private HttpServer server;
    private final List<String> headers = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            String h = ex.getRequestHeaders().getFirst("traceparent");
            if (h != null) {
                headers.add(h);
            }
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("ok".getBytes());
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private LoadTest test(TraceSampling trace) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
        return LoadTest.of(new LoadModel.Closed(8, Duration.ZERO, Duration.ofSeconds(15)),
                        RequestTemplate.get(url), RequestTemplate.get(url + "/other"))
                .withMaxRequests(200).withTrace(trace);
    }

    @Test
    void sendsTraceparentOnTheSampledShareWithFreshSpanIds() throws Exception {
        String traceId = TraceSampling.randomTraceId();
        LoadResult r = LoadRunner.run(test(new TraceSampling(traceId, 0.5)), LoadTest.Hooks.NONE);
        assertThat(r.total().requests()).isEqualTo(200);
        assertThat(requests.get()).isEqualTo(200);
        assertThat(headers.size()).isBetween(60, 140); // 100 expected, standard deviation 7
        assertThat(headers).allMatch(h -> h.matches("00-" + traceId + "-[0-9a-f]{16}-01"));
        assertThat(new HashSet<>(headers.stream().map(h -> h.substring(36, 52)).toList())).hasSize(headers.size());
        assertThat(r.total().errors()).isZero();
    }

    @Test
    void sendsNoHeaderByDefault() throws Exception {
        LoadRunner.run(test(TraceSampling.NONE), LoadTest.Hooks.NONE);
        assertThat(requests.get()).isEqualTo(200);
        assertThat(headers).isEmpty();
    }

    @Test
    void rejectsBadTraceIdsAndShares() {
        assertThatThrownBy(() -> new TraceSampling("xyz", 0.1)).hasMessageContaining("32 lower-case hex digits");
        assertThatThrownBy(() -> new TraceSampling(TraceSampling.randomTraceId(), 1.5)).hasMessageContaining("between 0% and 100%");
    }
}
