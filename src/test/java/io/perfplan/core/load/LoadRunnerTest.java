package io.perfplan.core.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.perfplan.demo.DemoService;

@Timeout(30)
class LoadRunnerTest {

    static DemoService demo;

    @BeforeAll
    static void startDemo() throws InterruptedException {
        demo = DemoService.start(DemoService.Options.onPort(0).withThreads(1));
    }

    @AfterAll
    static void stopDemo() {
        demo.close();
    }

    private static LoadModel.Closed closed(int connections, Duration duration) {
        return new LoadModel.Closed(connections, Duration.ZERO, duration);
    }

    @Test
    void countsRequestsAndStatusClassesExactly() throws Exception {
        long before = demo.requests();
        long before4xx = demo.responses(4);
        long before2xx = demo.responses(2);
        LoadTest test = new LoadTest(
                List.of(new RequestTemplate("api", java.net.URI.create(demo.baseUrl() + "/api/items"), "GET", Map.of(), null, 3),
                        new RequestTemplate("missing", java.net.URI.create(demo.baseUrl() + "/missing"), "GET", Map.of(), null, 1)),
                closed(4, Duration.ofSeconds(20)), null, 1000, null,
                List.of(ResponseCheck.Status.parse(List.of("2xx"))), null, false, null, null, false, 0);

        LoadResult r = LoadRunner.run(test, LoadTest.Hooks.NONE);

        long served4xx = demo.responses(4) - before4xx;
        long served2xx = demo.responses(2) - before2xx;
        assertThat(r.total().requests()).isEqualTo(1000);
        assertThat(demo.requests() - before).isEqualTo(1000);
        assertThat(r.total().errors(ErrorKind.STATUS)).isEqualTo(served4xx);
        assertThat(r.total().requests() - r.total().errors()).isEqualTo(served2xx);
        assertThat(served4xx).isBetween(150L, 350L); // weight 1 of 4
        assertThat(r.total().errors()).isEqualTo(served4xx);
        assertThat(r.total().latencyMicros().getTotalCount()).isEqualTo(1000);
        assertThat(r.total().bytesIn()).isGreaterThan(1000 * 50L);
        assertThat(r.total().bytesOut()).isGreaterThan(1000 * 30L);
        assertThat(r.aborted()).isFalse();
    }

    @Test
    void bodyAndHeaderChecksCountTheirOwnKinds() throws Exception {
        List<ResponseCheck> checks = List.of(
                ResponseCheck.Status.parse(List.of("200")),
                ResponseCheck.Header.of("X-Version", "1\\.0"));
        LoadResult ok = LoadRunner.run(LoadTest.of(closed(2, Duration.ofSeconds(10)), RequestTemplate.get(demo.baseUrl() + "/api/a"))
                .withMaxRequests(100).withChecks(checks), LoadTest.Hooks.NONE);
        assertThat(ok.total().requests()).isEqualTo(100);
        assertThat(ok.total().errors()).isZero();

        record Case(ResponseCheck check, ErrorKind kind) {}
        for (Case c : List.of(new Case(new ResponseCheck.BodyContains("no such text"), ErrorKind.BODY_CONTAINS),
                new Case(ResponseCheck.BodyRegex.of("\"version\":\"9\\."), ErrorKind.BODY_REGEX),
                new Case(ResponseCheck.Header.of("X-Absent", null), ErrorKind.HEADER),
                new Case(ResponseCheck.Status.parse(List.of("5xx")), ErrorKind.STATUS))) {
            LoadResult r = LoadRunner.run(LoadTest.of(closed(2, Duration.ofSeconds(10)), RequestTemplate.get(demo.baseUrl() + "/api/a"))
                    .withMaxRequests(50).withChecks(List.of(new ResponseCheck.BodyContains("version"), c.check())), LoadTest.Hooks.NONE);
            assertThat(r.total().requests()).as(c.kind().metricName()).isEqualTo(50);
            assertThat(r.total().errors(c.kind())).as(c.kind().metricName()).isEqualTo(50);
            assertThat(r.total().errors()).as(c.kind().metricName()).isEqualTo(50);
            assertThat(r.diagnosis("x").orElseThrow()).contains(c.kind().metricName());
        }
    }

    @Test
    void refusedTargetIsAResultFullOfErrorsNotACrash() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/";
        LoadResult closedRun = LoadRunner.run(LoadTest.of(closed(4, Duration.ofSeconds(1)), RequestTemplate.get(url)), LoadTest.Hooks.NONE);
        assertThat(closedRun.total().requests()).isGreaterThan(0);
        assertThat(closedRun.total().errors(ErrorKind.REFUSED)).isEqualTo(closedRun.total().requests());
        assertThat(closedRun.diagnosis(url).orElseThrow()).contains("refused").contains("is the target running");

        LoadResult openRun = LoadRunner.run(LoadTest.of(LoadModel.Open.constant(200, Duration.ofMillis(500), 16), RequestTemplate.get(url)),
                LoadTest.Hooks.NONE);
        assertThat(openRun.total().requests()).isEqualTo(100);
        assertThat(openRun.total().errors(ErrorKind.REFUSED)).isEqualTo(100);
        assertThat(openRun.total().errorRatePercent()).isEqualTo(100.0);
    }

    @Test
    void everyTransportFailureHasItsOwnKind() throws Exception {
        record Case(MisbehavingServer.Behaviour behaviour, ErrorKind kind) {}
        for (Case c : List.of(new Case(MisbehavingServer.Behaviour.SILENT, ErrorKind.TIMEOUT),
                new Case(MisbehavingServer.Behaviour.RESET, ErrorKind.RESET),
                new Case(MisbehavingServer.Behaviour.CLOSE, ErrorKind.CLOSED),
                new Case(MisbehavingServer.Behaviour.GARBAGE, ErrorKind.PROTOCOL))) {
            try (MisbehavingServer server = new MisbehavingServer(c.behaviour())) {
                LoadResult r = LoadRunner.run(LoadTest.of(LoadModel.Open.constant(20, Duration.ofMillis(500), 16), RequestTemplate.get(server.url()))
                        .withTimeout(Duration.ofMillis(300)), LoadTest.Hooks.NONE);
                assertThat(r.total().requests()).as(c.kind().metricName()).isEqualTo(10);
                assertThat(r.total().errors(c.kind())).as(c.kind().metricName()).isEqualTo(10);
            }
        }
    }

    @Test
    void tlsToAPlainServerIsATlsError() throws Exception {
        String url = demo.baseUrl().replace("http://", "https://") + "/";
        LoadResult r = LoadRunner.run(LoadTest.of(closed(1, Duration.ofSeconds(5)), RequestTemplate.get(url))
                .withMaxRequests(5).withInsecureTls(true).withTimeout(Duration.ofSeconds(2)), LoadTest.Hooks.NONE);
        assertThat(r.total().requests()).isEqualTo(5);
        assertThat(r.total().errors(ErrorKind.TLS)).isEqualTo(5);
    }

    @Test
    void headAndPostRequestsAreFramedRight() throws Exception {
        LoadTest test = new LoadTest(
                List.of(new RequestTemplate("head", java.net.URI.create(demo.baseUrl() + "/api/h"), "HEAD", Map.of(), null, 1),
                        new RequestTemplate("post", java.net.URI.create(demo.baseUrl() + "/api/p"), "POST",
                                Map.of("Content-Type", "application/json"), "{\"n\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8), 1)),
                closed(2, Duration.ofSeconds(10)), null, 200, Duration.ofSeconds(2),
                List.of(ResponseCheck.Status.parse(List.of("200"))), null, false, null, null, false, 0);
        LoadResult r = LoadRunner.run(test, LoadTest.Hooks.NONE);
        // a HEAD answer announces a length but has no body: misframing it would hang until the timeout
        assertThat(r.total().requests()).isEqualTo(200);
        assertThat(r.total().errors()).isZero();
    }

    @Test
    void thinkTimeSpacesTheRequestsOfAClosedModel() throws Exception {
        LoadResult r = LoadRunner.run(LoadTest.of(new LoadModel.Closed(2, Duration.ofMillis(100), Duration.ofSeconds(1)),
                RequestTemplate.get(demo.baseUrl() + "/")), LoadTest.Hooks.NONE);
        // two connections, each at most one request per 100 ms of think time
        assertThat(r.total().requests()).isBetween(8L, 22L);
        assertThat(r.total().errors()).isZero();
    }

    @Test
    void poissonArrivalsKeepTheAverageRate() throws Exception {
        LoadResult r = LoadRunner.run(LoadTest.of(LoadModel.Open.constant(1000, Duration.ofSeconds(1), 64).withPoisson(7),
                RequestTemplate.get(demo.baseUrl() + "/")), LoadTest.Hooks.NONE);
        assertThat((double) r.total().requests()).isCloseTo(1000, org.assertj.core.data.Percentage.withPercentage(10));
        assertThat(r.total().errors()).isZero();
    }

    @Test
    void openModelHoldsTheTargetRate() throws Exception {
        long before = demo.requests();
        double rate = 5000;
        LoadResult r = LoadRunner.run(LoadTest.of(LoadModel.Open.constant(rate, Duration.ofSeconds(5), 256), RequestTemplate.get(demo.baseUrl() + "/api/x"))
                .withWarmup(Duration.ofSeconds(1)), LoadTest.Hooks.NONE);
        assertThat(r.total().requests()).isEqualTo(25000);
        assertThat(r.total().errors()).isZero();
        assertThat(demo.requests() - before).isEqualTo(30000); // warm-up included
        assertThat(r.sentPerSecond()).isCloseTo(rate, org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(r.total().throughputPerSecond()).isCloseTo(rate, org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(r.seconds()).hasSize(5);
        assertThat(r.total().dropped()).isZero();
    }
}
