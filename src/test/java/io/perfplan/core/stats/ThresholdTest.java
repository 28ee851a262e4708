package io.perfplan.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ThresholdTest {

    private static final Map<String, Threshold.Measurement> METRICS = Map.of(
            "load.latency.p99", new Threshold.Measurement(180, "ms"),
            "load.error_rate", new Threshold.Measurement(0.2, "%"),
            "load.throughput", new Threshold.Measurement(950, "/s"),
            "prof.rss.peak", new Threshold.Measurement(300 * 1024 * 1024, "B"),
            "bench.wall", new Threshold.Measurement(1500, "us"),
            "load.requests", new Threshold.Measurement(1000, "count"),
            "opt.improvement", new Threshold.Measurement(1.3, "x"));

    private static boolean holds(String text) {
        return Threshold.parse(text).evaluate(name -> Optional.ofNullable(METRICS.get(name))).passed();
    }

    @Test
    void convertsLimitsToTheMetricsUnit() {
        assertThat(holds("load.latency.p99 < 250ms")).isTrue();
        assertThat(holds("load.latency.p99 < 0.15s")).isFalse();
        assertThat(holds("load.latency.p99 <= 180000us")).isTrue();
        assertThat(holds("load.latency.p99 == 0.18 s")).isTrue();
        assertThat(holds("bench.wall < 2ms")).isTrue();
        assertThat(holds("bench.wall > 1.4ms")).isTrue();
        assertThat(holds("bench.wall != 1500us")).isFalse();
        assertThat(holds("load.error_rate < 0.5%")).isTrue();
        assertThat(holds("load.error_rate >= 1%")).isFalse();
        assertThat(holds("load.throughput >= 900/s")).isTrue();
        assertThat(holds("prof.rss.peak < 300MiB")).isFalse();
        assertThat(holds("prof.rss.peak <= 300MiB")).isTrue();
        assertThat(holds("prof.rss.peak < 315MB")).isTrue();  // 300 MiB = 314.6 MB
        assertThat(holds("prof.rss.peak < 314MB")).isFalse();
        assertThat(holds("prof.rss.peak < 1GiB")).isTrue();
        assertThat(holds("prof.rss.peak > 307200KiB")).isFalse();
        assertThat(holds("load.requests >= 1000")).isTrue();
        assertThat(holds("opt.improvement > 1.2x")).isTrue();
        assertThat(holds("opt.improvement > 1.2")).isTrue();
    }

    @Test
    void andBindsTighterThanOrAndParenthesesGroup() {
        // false and true or true -> (false and true) or true = true
        assertThat(holds("load.latency.p99 < 100ms and load.error_rate < 1% or load.throughput > 900/s")).isTrue();
        // false and (true or true) = false
        assertThat(holds("load.latency.p99 < 100ms and (load.error_rate < 1% or load.throughput > 900/s)")).isFalse();
        assertThat(holds("load.latency.p99 < 250ms AND load.error_rate < 0.5%")).isTrue();
        assertThat(holds("load.latency.p99 < 100ms or load.error_rate > 0.5%")).isFalse();
    }

    @Test
    void reportsEveryComparisonWithObservedAndConvertedLimit() {
        Threshold.Evaluation e = Threshold.parse("load.latency.p99 < 0.2s or load.error_rate < 0.1%")
                .evaluate(name -> Optional.ofNullable(METRICS.get(name)));
        assertThat(e.passed()).isTrue();
        assertThat(e.comparisons()).hasSize(2);
        Threshold.ComparisonResult first = e.comparisons().get(0);
        assertThat(first.observed()).isEqualTo(180);
        assertThat(first.limit()).isEqualTo(200, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(first.unit()).isEqualTo("ms");
        assertThat(first.passed()).isTrue();
        assertThat(e.comparisons().get(1).passed()).isFalse();
        assertThat(Threshold.parse("a.b<5ms and (c.d>=1% or e.f!=2)").toString()).isEqualTo("a.b < 5ms and (c.d >= 1% or e.f != 2)");
        assertThat(Threshold.parse("a.b < 1 or c.d > 2 and e.f < 3").metrics()).containsExactly("a.b", "c.d", "e.f");
    }

    @Test
    void malformedThresholdsSayWhereAndWhat() {
        assertThatThrownBy(() -> Threshold.parse("load.latency.p99 < ")).hasMessageContaining("expected a number");
        assertThatThrownBy(() -> Threshold.parse("load.latency.p99 = 5ms")).hasMessageContaining("use ==");
        assertThatThrownBy(() -> Threshold.parse("load.latency.p99 <> 5ms")).hasMessageContaining("expected a number");
        assertThatThrownBy(() -> Threshold.parse("latency < 5ms")).hasMessageContaining("<step>.<metric>").hasMessageContaining("column 1");
        assertThatThrownBy(() -> Threshold.parse("a.b < 5 parsecs")).hasMessageContaining("unknown unit 'parsecs'");
        assertThatThrownBy(() -> Threshold.parse("a.b < 5ms c.d > 1")).hasMessageContaining("expected 'and', 'or'");
        assertThatThrownBy(() -> Threshold.parse("(a.b < 5ms")).hasMessageContaining("')'");
        assertThatThrownBy(() -> Threshold.parse("a.b 5ms")).hasMessageContaining("expected a comparison").hasMessageContaining("column 5");
        assertThatThrownBy(() -> Threshold.parse("  ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Threshold.parse("a.b < 5ms and")).hasMessageContaining("expected a metric");
    }

    @Test
    void unitsThatDoNotFitTheMetricAreErrorsNotGuesses() {
        assertThatThrownBy(() -> holds("load.latency.p99 < 5MB")).hasMessageContaining("is a time (ms) but 5MB is a size");
        assertThatThrownBy(() -> holds("load.latency.p99 < 250")).hasMessageContaining("give the limit a unit, e.g. 250ms");
        assertThatThrownBy(() -> holds("load.error_rate < 0.5")).hasMessageContaining("0.5%");
        assertThatThrownBy(() -> holds("load.requests < 5s")).hasMessageContaining("a plain number");
        assertThatThrownBy(() -> holds("nope.metric < 5s")).hasMessageContaining("no metric 'nope.metric'");
    }
}
