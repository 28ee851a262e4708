package io.perfplan.actions.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ServiceLoader;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.perfplan.demo.DemoService;
import io.perfplan.engine.Action;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.Unit;
import io.perfplan.plan.Quantities;

@Timeout(30)
class LoadtestActionTest {

    static DemoService demo;

    @BeforeAll
    static void startDemo() throws InterruptedException {
        demo = DemoService.start(DemoService.Options.onPort(0).withVersion("2.5").withThreads(1));
    }

    @AfterAll
    static void stopDemo() {
        demo.close();
    }

    /** Binds the way the engine does: snake_case keys, unknown keys rejected, durations as "250ms". */
    static LoadtestInputs bind(String json) throws IOException {
        SimpleModule durations = new SimpleModule().addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return Quantities.duration(p.getValueAsString());
            }
        });
        ObjectMapper mapper = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).registerModule(durations);
        return mapper.readValue(json.replace('\'', '"'), LoadtestInputs.class);
    }

    @Test
    void isRegisteredAsAService() {
        assertThat(ServiceLoader.load(Action.class).stream().map(p -> p.get().spec().name())).contains("loadtest");
    }

    @Test
    void publishesMetricsSamplesAndTheHistogram() throws Exception {
        LoadtestInputs in = bind("{'url': '" + demo.baseUrl() + "/api/items', 'rate': 300, 'duration': '2s', 'warmup': '200ms',"
                + " 'checks': {'status': ['2xx'], 'body_contains': '2.5', 'header': {'X-Version': '2\\\\.5'}},"
                + " 'thresholds': ['error_rate < 1%', 'latency.p99 < 2s'], 'abort_on_fail': true}");
        RecordingStepContext ctx = new RecordingStepContext();
        Outcome outcome = new LoadtestAction().execute(in, ctx);

        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(ctx.value("requests")).isEqualTo(600);
        assertThat(ctx.value("error_rate")).isZero();
        assertThat(ctx.value("errors.refused")).isZero();
        assertThat(ctx.value("throughput")).isBetween(270.0, 330.0);
        assertThat(ctx.value("latency.p50")).isPositive().isLessThan(ctx.value("latency.max") + 1e-9);
        assertThat(ctx.metrics.get("latency.p99").unit()).isEqualTo(Unit.MILLISECONDS);
        assertThat(ctx.metrics.get("error_rate").unit()).isEqualTo(Unit.PERCENT);
        assertThat(ctx.metrics).containsKeys("latency.min", "latency.mean", "latency.p90", "latency.p95", "latency.p999",
                "service_time.p99", "send_lag.p99", "dropped", "bytes.in", "bytes.out");
        assertThat(ctx.value("bytes.in")).isGreaterThan(600 * 50);
        assertThat(ctx.samples.get("throughput")).hasSizeBetween(2, 3);
        assertThat(ctx.samples).containsKeys("latency.p50", "latency.p99", "errors");
        Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(ctx.histograms.get("latency")), 0);
        assertThat(h.getTotalCount()).isEqualTo(600);
        assertThat(ctx.outputs.get("summary").toString()).contains("600 requests");
    }

    @Test
    void aDeadTargetFailsTheStepWithOneClearSentenceAndStillPublishes() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LoadtestInputs in = bind("{'url': 'http://127.0.0.1:" + port + "/', 'connections': 2, 'duration': '500ms'}");
        RecordingStepContext ctx = new RecordingStepContext();
        Outcome outcome = new LoadtestAction().execute(in, ctx);
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).contains("refused").contains("127.0.0.1:" + port);
        assertThat(ctx.value("error_rate")).isEqualTo(100.0);
        assertThat(ctx.value("errors.refused")).isEqualTo(ctx.value("requests"));
        assertThat(ctx.metrics).doesNotContainKey("latency.p99");
    }

    @Test
    void aFailedThresholdFailsTheStep() throws Exception {
        LoadtestInputs in = bind("{'requests': [{'url': '" + demo.baseUrl() + "/missing'}, {'url': '" + demo.baseUrl() + "/api', 'weight': 3}],"
                + " 'connections': 2, 'max_requests': 400, 'duration': '10s',"
                + " 'checks': {'status': [200]}, 'thresholds': ['error_rate < 1%', 'latency.max < 10s']}");
        RecordingStepContext ctx = new RecordingStepContext();
        Outcome outcome = new LoadtestAction().execute(in, ctx);
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).startsWith("threshold 'error_rate < 1%' (error_rate=").contains("400 requests");
        assertThat(ctx.value("errors.status")).isBetween(50.0, 150.0);
        assertThat(ctx.value("requests")).isEqualTo(400);
    }

    @Test
    void stressModeReportsTheCapacity() throws Exception {
        try (DemoService limited = DemoService.start(DemoService.Options.onPort(0).withMaxRps(400).withThreads(1))) {
            LoadtestInputs in = bind("{'url': '" + limited.baseUrl() + "/api', 'checks': {'status': ['2xx']}, 'warmup': '500ms',"
                    + " 'stress': {'start': 200, 'step': 400, 'step_duration': '1s', 'max': 1000, 'until': 'error_rate > 2%'}}");
            RecordingStepContext ctx = new RecordingStepContext();
            Outcome outcome = new LoadtestAction().execute(in, ctx);
            assertThat(outcome.passed()).as(outcome.message()).isTrue();
            assertThat(ctx.value("capacity")).as("%s", ctx.logs).isEqualTo(200);
            assertThat(ctx.value("break_rate")).isEqualTo(600);
            assertThat(ctx.samples.get("stress.rate")).containsExactly(200, 600);
            assertThat(ctx.logs).hasSize(2).last().asString().contains("broke");
            assertThat(outcome.message()).contains("capacity 200 req/s; broke at 600 req/s");
            assertThat(ctx.value("requests")).isEqualTo(200); // the metrics are those of the step at capacity
        }
    }

    @Test
    void describesTheRunAndRejectsInputsThatDoNotFit() throws Exception {
        assertThat(new LoadtestAction().describe(bind("{'url': 'http://127.0.0.1:8080/api', 'rate': 2000, 'duration': '60s', 'warmup': '10s'}")))
                .hasValue("load http://127.0.0.1:8080/api: 2000 req/s for 1m00s after a 10s warm-up");
        // checked when the inputs are bound, so `perfplan validate` reports them before anything runs
        assertThatThrownBy(() -> bind("{'url': 'http://127.0.0.1:8080/'}")).hasMessageContaining("needs a model");
        assertThatThrownBy(() -> bind("{'url': 'http://127.0.0.1:8080/', 'rate': 5, 'stages': [{'duration': '1s', 'rate': 5}]}"))
                .hasMessageContaining("either rate or stages");
        assertThatThrownBy(() -> bind("{'url': 'http://127.0.0.1/', 'rate': 5, 'checks': {'status': ['2xy']}}"))
                .hasMessageContaining("'2xy' is not a status");
        assertThatThrownBy(() -> bind("{'url': 'http://127.0.0.1/', 'stress': {'start': 1, 'step': 1, 'max': 2, 'until': 'p99 high'}}"))
                .hasMessageContaining("expected a comparison (<, <=, >, >=, == or !=) after 'p99'");
        assertThatThrownBy(() -> LoadtestAction.toLoadTest(bind("{'url': 'ftp://127.0.0.1/', 'rate': 5}")))
                .hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> bind("{'url': 'http://127.0.0.1/', 'rate': 5, 'thresholds': ['p99 < 5']}"))
                .hasMessageContaining("unknown load metric 'p99'");
        assertThatThrownBy(() -> bind("{'url': 'http://127.0.0.1/', 'rat': 5}")).hasMessageContaining("rat");
        assertThatThrownBy(() -> LoadtestAction.toLoadTest(bind("{'url': 'http://127.0.0.1/', 'rate': 5, 'headers': {'X-A': 'a\\r\\nInjected: 1'}}")))
                .hasMessageContaining("header 'X-A' is not a valid HTTP header");
    }
}
