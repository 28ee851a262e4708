package io.perfplan.core.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TicksTest {

    @Test
    void ticksEveryIntervalForTheDurationAndCountsTheSamples() {
        Ticks tick = new Ticks(Duration.ofMillis(20), Duration.ofMillis(100), () -> false);
        List<Integer> indexes = new ArrayList<>();
        List<Boolean> last = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        while (tick.next()) {
            indexes.add(tick.index());
            last.add(tick.isLast());
            offsets.add(tick.offsetMillis());
        }
        assertThat(indexes).containsExactly(0, 1, 2, 3, 4);
        assertThat(last).containsExactly(false, false, false, false, true);
        assertThat(tick.index()).isEqualTo(5);
        assertThat(tick.capacity()).isEqualTo(6);
        assertThat(offsets).isSorted().allSatisfy(o -> assertThat(o).isGreaterThanOrEqualTo(20));
        assertThat(offsets.get(4)).isGreaterThanOrEqualTo(100); // ticks keep to the schedule, never early
        assertThat(tick.note()).isEmpty();
    }

    @Test
    void aStopEndsTheScheduleWithANoteAndAnEndedTickIsNotCounted() {
        AtomicBoolean stop = new AtomicBoolean();
        Ticks tick = new Ticks(Duration.ofMillis(10), Duration.ofSeconds(60), stop::get);
        assertThat(tick.next()).isTrue();
        assertThat(tick.next()).isTrue();
        stop.set(true);
        assertThat(tick.next()).isFalse();
        assertThat(tick.index()).isEqualTo(2);
        assertThat(tick.note()).startsWith("Sampling was stopped after");

        Ticks ended = new Ticks(Duration.ofMillis(10), Duration.ofSeconds(60), () -> false);
        assertThat(ended.next()).isTrue();
        assertThat(ended.next()).isTrue();
        ended.end("The process exited.");
        assertThat(ended.index()).isEqualTo(1);
        assertThat(ended.note()).isEqualTo("The process exited.");
    }

    @Test
    void refusesAnIntervalTooShortOrLongerThanTheDuration() {
        assertThatThrownBy(() -> new Ticks(Duration.ofMillis(5), Duration.ofSeconds(1), () -> false))
                .hasMessageContaining("too short; use 10ms or more");
        assertThatThrownBy(() -> new Ticks(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> false))
                .hasMessageContaining("shorter than the interval");
    }
}
