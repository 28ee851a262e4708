package io.perfplan.core.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perfplan.core.stats.Threshold;
import io.perfplan.demo.DemoService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A scrape of demo-service's real /metrics page, and alert rules that fire or do not. */
class PrometheusAndAlertsTest {

    @Test
    void scrapesDemoServiceMetrics() throws Exception {
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0).withVersion("2.1"))) {
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 0; i < 3; i++) {
                client.send(HttpRequest.newBuilder(URI.create(demo.baseUrl() + "/")).build(), HttpResponse.BodyHandlers.discarding());
            }
            List<PrometheusText.Sample> page = PrometheusText.scrape(client, URI.create(demo.baseUrl() + "/metrics"), Duration.ofSeconds(5));
            PrometheusText.Sample requests = page.stream().filter(s -> s.name().equals("demo_requests_total")).findFirst().orElseThrow();
            assertThat(requests.value()).isGreaterThanOrEqualTo(3);
            PrometheusText.Sample info = page.stream().filter(s -> s.name().equals("demo_info")).findFirst().orElseThrow();
            assertThat(info.labels()).isEqualTo(Map.of("version", "2.1"));
            PrometheusText.Sample sel = PrometheusText.selector("demo_responses_total{class=\"2xx\"}");
            assertThat(page.stream().filter(s -> s.matches(sel.name(), sel.labels())).mapToDouble(PrometheusText.Sample::value).sum())
                    .isEqualTo(3);
            assertThatThrownBy(() -> PrometheusText.scrape(client, URI.create(demo.baseUrl() + "/health"), Duration.ofSeconds(5)))
                    .hasMessageContaining("check that metrics_url serves the Prometheus text format");
        }
    }

    @Test
    void parsesEscapesSpecialValuesAndTimestamps() {
        List<PrometheusText.Sample> s = PrometheusText.parse("""
                # HELP x y
                a{path="/a\\"b",code="200"} 1.5e3 1700000000000
                b +Inf
                c NaN
                """);
        assertThat(s.get(0).labels()).isEqualTo(Map.of("path", "/a\"b", "code", "200"));
        assertThat(s.get(0).value()).isEqualTo(1500);
        assertThat(s.get(1).value()).isInfinite();
        assertThat(s.get(2).value()).isNaN();
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\n{bad} 2")).hasMessageContaining("line 2");
    }

    @Test
    void aRuleFiresOnlyAfterHoldingForItsDurationAndOnlyOnce() {
        AlertRule hot = new AlertRule("hot", Threshold.parse("system.cpu > 80%"), Duration.ofSeconds(30), "critical", List.of("log"));
        AlertRule never = new AlertRule("never", Threshold.parse("system.cpu > 200%"), Duration.ZERO, "warning", List.of("log"));
        AlertEvaluator ev = new AlertEvaluator(List.of(hot, never));
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        assertThat(ev.evaluate(t, cpu(90))).isEmpty();                       // starts holding
        assertThat(ev.evaluate(t.plusSeconds(20), cpu(95))).isEmpty();       // 20 s < 30 s
        List<Alert> fired = ev.evaluate(t.plusSeconds(30), cpu(91));
        assertThat(fired).extracting(Alert::rule).containsExactly("hot");
        assertThat(fired.get(0).message()).contains("system.cpu > 80%", "held for 30.0 s", "system.cpu = 91.00%");
        assertThat(ev.evaluate(t.plusSeconds(40), cpu(99))).isEmpty();       // still holding: not again
        assertThat(ev.evaluate(t.plusSeconds(50), cpu(10))).isEmpty();       // resets
        assertThat(ev.evaluate(t.plusSeconds(60), cpu(90))).isEmpty();       // holding again, from 60 s
        assertThat(ev.evaluate(t.plusSeconds(90), cpu(90))).hasSize(1);
        assertThat(ev.evaluate(t.plusSeconds(91), AlertEvaluator.lookup(Map.of(), Map.of()))).isEmpty(); // metric missing
    }

    private static java.util.function.Function<String, java.util.Optional<Threshold.Measurement>> cpu(double percent) {
        return AlertEvaluator.lookup(Map.of("system.cpu", percent), Map.of("system.cpu", "%"));
    }
}
