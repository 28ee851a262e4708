package io.perfplan.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.perfplan.core.load.ErrorKind;
import io.perfplan.core.load.LoadModel;
import io.perfplan.core.load.LoadResult;
import io.perfplan.core.load.LoadRunner;
import io.perfplan.core.load.LoadTest;
import io.perfplan.core.load.RequestTemplate;
import io.perfplan.core.load.ResponseCheck;

@Timeout(30)
class DemoServiceTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesHealthApiAndPrometheusMetrics() throws Exception {
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0).withVersion("1.7"))) {
            assertThat(demo.port()).isPositive();
            HttpResponse<String> health = get(demo.baseUrl() + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("1.7");
            HttpResponse<String> api = get(demo.baseUrl() + "/api/orders/42?x=1");
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(api.body()).isEqualTo("{\"path\":\"/api/orders/42\",\"version\":\"1.7\"}\n");
            assertThat(api.headers().firstValue("X-Version")).hasValue("1.7");
            assertThat(get(demo.baseUrl() + "/").body()).contains("demo-service 1.7");
            assertThat(get(demo.baseUrl() + "/nope").statusCode()).isEqualTo(404);
            HttpResponse<String> metrics = get(demo.baseUrl() + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("demo_requests_total 5\n").contains("demo_info{version=\"1.7\"} 1")
                    .contains("demo_responses_total{class=\"4xx\"} 1").contains("# TYPE demo_errors_total counter");
        }
    }

    @Test
    void injectsLatencyWithoutBlockingItsEventLoop() throws Exception {
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0).withLatency(Duration.ofMillis(50), Duration.ofMillis(10)).withThreads(1))) {
            long t0 = System.nanoTime();
            LoadResult r = LoadRunner.run(LoadTest.of(new LoadModel.Closed(25, Duration.ZERO, Duration.ofSeconds(20)),
                    RequestTemplate.get(demo.baseUrl() + "/api")).withMaxRequests(250), LoadTest.Hooks.NONE);
            double wall = (System.nanoTime() - t0) / 1e9;
            assertThat(r.total().requests()).isEqualTo(250);
            // one thread sleeping 50 ms per request would need 12.5 s; scheduled responses overlap
            assertThat(wall).isLessThan(4);
            assertThat(r.total().latencyMicros().getMinValue()).isGreaterThanOrEqualTo(49_000);
            assertThat(r.total().latencyMicros().getMaxValue()).isLessThan(1_000_000);
        }
    }

    @Test
    void injectsErrorsAtTheConfiguredRate() throws Exception {
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0).withErrorRate(0.10).withThreads(1))) {
            LoadResult r = LoadRunner.run(LoadTest.of(new LoadModel.Closed(4, Duration.ZERO, Duration.ofSeconds(20)),
                    RequestTemplate.get(demo.baseUrl() + "/api")).withMaxRequests(2000)
                    .withChecks(java.util.List.of(ResponseCheck.Status.parse(java.util.List.of("2xx")))), LoadTest.Hooks.NONE);
            assertThat(r.total().errors(ErrorKind.STATUS)).isEqualTo(demo.errors()).isBetween(120L, 280L);
        }
    }

    @Test
    void rejectsBadOptionsAndBusyPortsWithAClearMessage() throws Exception {
        assertThatThrownBy(() -> DemoService.Options.onPort(0).withErrorRate(2)).hasMessageContaining("between 0% and 100%");
        try (DemoService first = DemoService.start(DemoService.Options.onPort(0))) {
            assertThatThrownBy(() -> DemoService.start(DemoService.Options.onPort(first.port())))
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + first.port());
        }
    }
}
