package io.perfplan.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.perfplan.demo.DemoService;

@Timeout(30)
class StressAndThresholdTest {

    @Test
    void stressFindsTheCapacityOfARateLimitedService() throws Exception {
        int maxRps = 1000;
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0).withMaxRps(maxRps).withThreads(1))) {
            LoadTest base = LoadTest.of(LoadModel.Open.constant(1, Duration.ofSeconds(1), 256), RequestTemplate.get(demo.baseUrl() + "/api/s"))
                    .withChecks(List.of(ResponseCheck.Status.parse(List.of("2xx")))).withWarmup(Duration.ofMillis(500));
            StressTest stress = new StressTest(700, 100, Duration.ofSeconds(1), 2000,
                    MetricCondition.parse("error_rate > 1% or latency.p99 > 2s"));
            List<Double> seen = new ArrayList<>();
            StressSearch.StressResult r = StressSearch.run(base, stress, LoadTest.Hooks.NONE, s -> seen.add(s.rate()));

            assertThat(r.capacity()).as("steps %s", seen).isCloseTo(maxRps, withPercentage(15));
            System.out.println("stress: capacity " + r.capacity() + " req/s, broke at " + r.breakRate() + " (max-rps " + maxRps + ")");
            assertThat(r.breakRate()).isEqualTo(r.capacity() + 100);
            assertThat(seen).startsWith(700.0, 800.0).contains(r.breakRate());
            assertThat(r.steps().get(r.steps().size() - 1).broke()).isTrue();
            assertThat(r.steps().get(r.steps().size() - 1).result().total().errors(ErrorKind.STATUS)).isPositive();
            assertThat(r.combined().requests()).isEqualTo(r.steps().stream().mapToLong(s -> s.result().total().requests()).sum());
        }
    }

    @Test
    void aFailingLiveThresholdAbortsTheTestAndKeepsItsResults() throws Exception {
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0).withLatency(Duration.ofMillis(20), Duration.ZERO).withThreads(1))) {
            List<Progress> progress = new ArrayList<>();
            LoadTest test = LoadTest.of(LoadModel.Open.constant(200, Duration.ofSeconds(15), 64), RequestTemplate.get(demo.baseUrl() + "/api"))
                    .withThresholds(List.of(MetricCondition.parse("error_rate < 1%"), MetricCondition.parse("latency.p99 < 5ms")),
                            true, Duration.ofSeconds(2), Duration.ofSeconds(2));
            long t0 = System.nanoTime();
            LoadResult r = LoadRunner.run(test, new LoadTest.Hooks(progress::add, null));
            double wallSeconds = (System.nanoTime() - t0) / 1e9;

            assertThat(r.aborted()).isTrue();
            assertThat(r.abortReason()).contains("latency.p99 < 5ms").contains("latency.p99=");
            assertThat(wallSeconds).isLessThan(8); // stopped at the 2 s delay, not after 15 s
            assertThat(r.elapsed().toMillis()).isBetween(1900L, 6000L);
            assertThat((double) r.total().requests()).isCloseTo(200 * r.elapsed().toMillis() / 1000.0, withPercentage(10));
            assertThat(r.total().latencyMicros().getValueAtPercentile(50)).isGreaterThan(19_000);
            assertThat(r.thresholds()).extracting(LoadResult.ThresholdOutcome::passed).containsExactly(true, false);
            assertThat(progress).isNotEmpty();
            assertThat(progress.get(progress.size() - 1).line()).contains("req/s").contains("p99");
        }
    }

    @Test
    void passingThresholdsLetTheTestRunToTheEnd() throws Exception {
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0).withThreads(1))) {
            LoadTest test = LoadTest.of(LoadModel.Open.constant(100, Duration.ofSeconds(2), 16), RequestTemplate.get(demo.baseUrl() + "/"))
                    .withThresholds(List.of(MetricCondition.parse("error_rate < 1% and latency.p99 < 1s")), true, Duration.ZERO, Duration.ofSeconds(1));
            LoadResult r = LoadRunner.run(test, LoadTest.Hooks.NONE);
            assertThat(r.aborted()).isFalse();
            assertThat(r.thresholdsPassed()).isTrue();
            assertThat(r.total().requests()).isEqualTo(200);
        }
    }

    @Test
    void maxRequestsEndsAClosedTestEarly() throws Exception {
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0).withThreads(1))) {
            long t0 = System.nanoTime();
            LoadResult r = LoadRunner.run(LoadTest.of(new LoadModel.Closed(8, Duration.ZERO, Duration.ofSeconds(20)),
                    RequestTemplate.get(demo.baseUrl() + "/")).withMaxRequests(3000).withWarmup(Duration.ofMillis(300)), LoadTest.Hooks.NONE);
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
            assertThat(r.total().requests()).isEqualTo(3000);
            assertThat(demo.requests()).isGreaterThan(3000); // warm-up requests were sent but not counted
        }
    }
}
