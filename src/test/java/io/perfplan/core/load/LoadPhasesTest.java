package io.perfplan.core.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.perfplan.demo.DemoService;

/** The phases a load test reports live: warm-up, each stage or the measured part, with the requests that ended in each. */
@Timeout(60)
class LoadPhasesTest {

    /** What the listener heard, in order. */
    private record Event(String what, Phase phase, long requests, long elapsedMillis) {}

    private static final class Heard implements Phase.Listener {
        final List<Event> events = new ArrayList<>();
        final String thread = Thread.currentThread().getName();
        final List<String> threads = new ArrayList<>();

        @Override
        public void started(Phase phase) {
            events.add(new Event("started", phase, 0, 0));
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void ended(Phase phase, LoadStats measured) {
            events.add(new Event("ended", phase, measured.requests(), measured.elapsed().toMillis()));
            threads.add(Thread.currentThread().getName());
        }

        List<Event> ends() {
            return events.stream().filter(e -> e.what().equals("ended")).toList();
        }
    }

    @Test
    void eachStageIsAPhaseWithTheRequestsThatEndedInIt() throws Exception {
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0).withThreads(1))) {
            // 100/s for 1.5 s (150 requests), then a ramp from 100 to 300/s over 1 s (200 requests)
            LoadModel.Open model = new LoadModel.Open(100, List.of(new RateStage(Duration.ofMillis(1500), 100),
                    new RateStage(Duration.ofSeconds(1), 300)), false, 0, 32);
            LoadTest test = LoadTest.of(model, RequestTemplate.get(demo.baseUrl() + "/")).withWarmup(Duration.ofMillis(500));
            Heard heard = new Heard();
            LoadResult r = LoadRunner.run(test, new LoadTest.Hooks(null, null, heard));

            assertThat(heard.events).extracting(e -> e.what() + " " + e.phase().kind() + " " + e.phase().stage()).containsExactly(
                    "started WARMUP 0", "ended WARMUP 0", "started STAGE 1", "ended STAGE 1", "started STAGE 2", "ended STAGE 2");
            assertThat(heard.threads).allMatch(heard.thread::equals);
            List<Event> ends = heard.ends();
            assertThat(ends.get(0).requests()).isZero(); // warm-up requests are not recorded
            assertThat(ends).extracting(Event::elapsedMillis).containsExactly(500L, 1500L, 1000L);
            Phase ramp = ends.get(2).phase();
            assertThat(ramp.startRatePerSecond()).isEqualTo(100);
            assertThat(ramp.targetRatePerSecond()).isEqualTo(300);
            assertThat(ramp.planned()).isEqualTo(Duration.ofSeconds(1));
            assertThat(r.total().requests()).isEqualTo(350);
            assertThat(ends.get(1).requests() + ends.get(2).requests()).isEqualTo(r.total().requests());
            // a request counts where it ended (give or take the moment of collection): only those near the boundary may cross it
            assertThat(ends.get(1).requests()).isBetween(100L, 165L);
            assertThat(ends.get(2).requests()).isBetween(185L, 250L);
        }
    }

    @Test
    void aConstantRateOrAClosedModelIsOneMeasuredPhase() throws Exception {
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0).withThreads(1))) {
            Heard open = new Heard();
            LoadResult r = LoadRunner.run(LoadTest.of(LoadModel.Open.constant(100, Duration.ofSeconds(1), 16),
                    RequestTemplate.get(demo.baseUrl() + "/")), new LoadTest.Hooks(null, null, open));
            assertThat(open.events).extracting(e -> e.what() + " " + e.phase().kind()).containsExactly("started MEASUREMENT", "ended MEASUREMENT");
            assertThat(open.ends().get(0).requests()).isEqualTo(r.total().requests()).isEqualTo(100);
            assertThat(open.ends().get(0).phase().targetRatePerSecond()).isEqualTo(100);

            Heard closed = new Heard();
            r = LoadRunner.run(LoadTest.of(new LoadModel.Closed(2, Duration.ZERO, Duration.ofSeconds(20)),
                    RequestTemplate.get(demo.baseUrl() + "/")).withMaxRequests(300), new LoadTest.Hooks(null, null, closed));
            assertThat(closed.events).extracting(e -> e.what() + " " + e.phase().kind()).containsExactly("started MEASUREMENT", "ended MEASUREMENT");
            assertThat(closed.ends().get(0).requests()).isEqualTo(r.total().requests()).isEqualTo(300);
            assertThat(closed.ends().get(0).phase().targetRatePerSecond()).isNaN();
            assertThat(closed.ends().get(0).elapsedMillis()).isEqualTo(r.elapsed().toMillis());
        }
    }
}
