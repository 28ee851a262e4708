package io.perfplan.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricConditionTest {

    /** {@code ok} responses of {@code latencyMillis} and {@code refused} refused connections over one second. */
    private static LoadStats stats(int ok, long latencyMillis, int refused) {
        LoadStats s = new LoadStats();
        for (int i = 0; i < ok; i++) {
            s.recordResponse(latencyMillis * 1_000_000, latencyMillis * 1_000_000);
        }
        for (int i = 0; i < refused; i++) {
            s.recordTransportFailure(ErrorKind.REFUSED);
        }
        s.elapsedNanos(1_000_000_000L);
        return s;
    }

    @Test
    void comparesLatencyInMillisecondsWhateverTheUnitWritten() {
        LoadStats s = stats(100, 150, 0);
        assertThat(MetricCondition.parse("latency.p99 < 200ms").test(s)).isTrue();
        assertThat(MetricCondition.parse("latency.p99 < 0.1s").test(s)).isFalse();
        assertThat(MetricCondition.parse("latency.max <= 151ms").test(s)).isTrue();
        assertThat(MetricCondition.parse("latency.p50 > 200000us").test(s)).isFalse();
    }

    @Test
    void andBindsTighterThanOr() {
        LoadStats failing = stats(95, 1, 5);
        assertThat(failing.errorRatePercent()).isEqualTo(5.0);
        assertThat(MetricCondition.parse("error_rate < 1% or errors.refused > 4").test(failing)).isTrue();
        assertThat(MetricCondition.parse("error_rate < 1% or errors.refused > 4 and throughput > 100/s").test(failing)).isFalse();
        LoadStats healthy = stats(100, 1, 0);
        assertThat(MetricCondition.parse("error_rate < 1% and requests > 10 or throughput > 1000000/s").test(healthy)).isTrue();
        assertThat(MetricCondition.parse("error_rate > 1% and requests > 10 or throughput > 1000000/s").test(healthy)).isFalse();
        assertThat(MetricCondition.parse("error_rate > 1% or latency.p99 > 0.5ms").test(healthy)).isTrue();
        assertThat(MetricCondition.parse("errors.refused == 0 and dropped == 0").test(healthy)).isTrue();
    }

    @Test
    void aLatencyWithNoResponsesDoesNotPass() {
        LoadStats none = stats(0, 0, 10);
        assertThat(MetricCondition.parse("latency.p99 < 200ms").test(none)).isFalse();
        assertThat(MetricCondition.parse("error_rate > 50%").test(none)).isTrue();
    }

    @Test
    void rejectsWhatItCannotRead() {
        assertThatThrownBy(() -> MetricCondition.parse("latncy.p99 < 2ms")).hasMessageContaining("unknown load metric 'latncy.p99'");
        assertThatThrownBy(() -> MetricCondition.parse("error_rate < 2ms")).hasMessageContaining("error_rate is a percentage (%) but 2ms is a time");
        assertThatThrownBy(() -> MetricCondition.parse("latency.p99 < 2%")).hasMessageContaining("latency.p99 is a time (ms) but 2% is a percentage");
        assertThatThrownBy(() -> MetricCondition.parse("p99 is low")).hasMessageContaining("expected a comparison");
        assertThatThrownBy(() -> MetricCondition.parse("errors.bogus > 0")).hasMessageContaining("unknown error kind");
        assertThatThrownBy(() -> MetricCondition.parse("latency.p99 < 200")).hasMessageContaining("give the limit a unit, e.g. 200ms");
        assertThatThrownBy(() -> MetricCondition.parse("(error_rate < 1%")).hasMessageContaining("expected ')'");
    }
}
