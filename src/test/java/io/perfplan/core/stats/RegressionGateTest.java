package io.perfplan.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Statistical properties of the gate over seeded trials, plus its verdict rules one by one. Noise
 * is log-normal (timings are skewed and positive); a "10% shift" multiplies every candidate value
 * by 1.10.
 */
class RegressionGateTest {

    private static final MetricDirection LOWER = MetricDirection.LOWER_IS_BETTER;
    private static final MetricDirection HIGHER = MetricDirection.HIGHER_IS_BETTER;

    private static double[] lognormal(SplittableRandom random, int n, double median, double sigma) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = median * Math.exp(sigma * OutliersTest.gaussian(random));
        return values;
    }

    private static double[] rounded(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = Math.rint(values[i]);
        return out;
    }

    private static double[] steps(double from, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = from + i;
        return values;
    }

    private static double[] plus(double[] values, double shift) {
        double[] out = values.clone();
        for (int i = 0; i < out.length; i++) out[i] += shift;
        return out;
    }

    @Test
    void identicalDistributionsRarelyRaiseAnAlarm() {
        // 500 trials at alpha 0.01 with tolerance 0 (the setting most prone to fail): FAIL or
        // INCONCLUSIVE both need a significant test, so together they stay near alpha
        int alarms = 0;
        int tiedAlarms = 0;
        for (int trial = 0; trial < 500; trial++) {
            SplittableRandom random = new SplittableRandom(10_000 + trial);
            double[] baseline = lognormal(random, 30, 100, 0.1);
            double[] candidate = lognormal(random, 30, 100, 0.1);
            GateSettings settings = GateSettings.of(LOWER, 0.0, 0.01, 10, trial);
            if (RegressionGate.compareSamples(baseline, candidate, settings).verdict() != Verdict.PASS) alarms++;
            // whole milliseconds: heavy ties, so the tie-corrected normal approximation decides
            if (RegressionGate.compareSamples(rounded(baseline), rounded(candidate), settings).verdict() != Verdict.PASS) {
                tiedAlarms++;
            }
        }
        assertThat(alarms / 500.0).isLessThanOrEqualTo(0.02);
        assertThat(tiedAlarms / 500.0).isLessThanOrEqualTo(0.02);
    }

    @Test
    void aTenPercentShiftWithThirtySamplesASideFails() {
        // 5% log-normal noise (sigma 0.05), tolerance 0: FAIL in at least 95% of 500 trials;
        // 3% noise with a 5% tolerance: FAIL in at least 95% as well
        int failedNoTolerance = 0;
        int failedWithTolerance = 0;
        for (int trial = 0; trial < 500; trial++) {
            SplittableRandom random = new SplittableRandom(20_000 + trial);
            double[] baseline = lognormal(random, 30, 100, 0.05);
            double[] candidate = lognormal(random, 30, 110, 0.05);
            if (RegressionGate.compareSamples(baseline, candidate, GateSettings.of(LOWER, 0.0, 0.01, 10, trial)).failed()) {
                failedNoTolerance++;
            }
            double[] quietBaseline = lognormal(random, 30, 100, 0.03);
            double[] quietCandidate = lognormal(random, 30, 110, 0.03);
            if (RegressionGate.compareSamples(quietBaseline, quietCandidate,
                    GateSettings.of(LOWER, 0.05, 0.01, 10, trial)).failed()) {
                failedWithTolerance++;
            }
        }
        assertThat(failedNoTolerance / 500.0).isGreaterThanOrEqualTo(0.95);
        assertThat(failedWithTolerance / 500.0).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void aChangeExactlyAtTheToleranceIsRarelyFailedAndOftenInconclusive() {
        int failed = 0;
        int inconclusive = 0;
        for (int trial = 0; trial < 200; trial++) {
            SplittableRandom random = new SplittableRandom(30_000 + trial);
            double[] baseline = lognormal(random, 30, 100, 0.05);
            double[] candidate = lognormal(random, 30, 105, 0.05);
            Verdict verdict = RegressionGate.compareSamples(baseline, candidate, GateSettings.of(LOWER, 0.05, 0.01, 10, trial)).verdict();
            if (verdict == Verdict.FAIL) failed++;
            if (verdict == Verdict.INCONCLUSIVE) inconclusive++;
        }
        // the interval's lower bound passes the tolerance by chance about 2.5% of the time
        assertThat(failed / 200.0).isLessThanOrEqualTo(0.06);
        assertThat(inconclusive / 200.0).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void improvementsPassInBothDirections() {
        SplittableRandom random = new SplittableRandom(4);
        double[] baseline = lognormal(random, 30, 100, 0.05);
        double[] faster = lognormal(random, 30, 80, 0.05);
        RegressionResult latency = RegressionGate.compareSamples(baseline, faster, GateSettings.of(LOWER, 0.05, 0.01, 10, 1));
        assertThat(latency.verdict()).isEqualTo(Verdict.PASS);
        assertThat(latency.change()).isNegative();
        assertThat(latency.pValue()).isGreaterThan(0.5);

        double[] moreThroughput = lognormal(random, 30, 120, 0.05);
        RegressionResult throughput = RegressionGate.compareSamples(baseline, moreThroughput, GateSettings.of(HIGHER, 0.05, 0.01, 10, 1));
        assertThat(throughput.verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void aFallFailsWhenHigherIsBetter() {
        SplittableRandom random = new SplittableRandom(6);
        double[] baseline = lognormal(random, 30, 5000, 0.04);
        double[] candidate = lognormal(random, 30, 4000, 0.04);
        RegressionResult result = RegressionGate.compareSamples(baseline, candidate, GateSettings.of(HIGHER, 0.05, 0.01, 10, 1));
        assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(result.changeUpper()).isLessThan(-0.05);
        assertThat(result.limit()).isCloseTo(result.baseline() * 0.95, within(1e-9));
        assertThat(result.explanation()).contains("significant fall").contains("beyond the 5% tolerance");
    }

    @Test
    void verdictFollowsTheIntervalOnceTheTestIsSignificant() {
        // evenly spaced samples; shifting the candidate moves the interval across the tolerance
        double[] baseline = steps(100, 20);
        GateSettings zeroTolerance = GateSettings.of(LOWER, 0.0, 0.01, 10, 1);
        RegressionResult notSignificant = RegressionGate.compareSamples(baseline, plus(baseline, 4.6), zeroTolerance);
        RegressionResult straddling = RegressionGate.compareSamples(baseline, plus(baseline, 5.1), zeroTolerance);
        RegressionResult beyond = RegressionGate.compareSamples(baseline, plus(baseline, 8.1), zeroTolerance);
        assertThat(notSignificant.verdict()).isEqualTo(Verdict.PASS);
        assertThat(notSignificant.pValue()).isGreaterThanOrEqualTo(0.01);
        assertThat(notSignificant.explanation()).contains("not a significant rise");
        assertThat(straddling.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(straddling.pValue()).isLessThan(0.01);
        assertThat(straddling.changeLower()).isLessThanOrEqualTo(0.0);
        assertThat(straddling.changeUpper()).isGreaterThan(0.0);
        assertThat(straddling.explanation()).contains("straddles").contains("collect more samples");
        assertThat(beyond.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(beyond.changeLower()).isGreaterThan(0.0);
        assertThat(beyond.change()).isCloseTo(beyond.candidate() / beyond.baseline() - 1, within(1e-12));
    }

    @Test
    void aSignificantChangeWithinToleranceStillPasses() {
        SplittableRandom random = new SplittableRandom(8);
        double[] baseline = lognormal(random, 50, 100, 0.01);
        double[] candidate = lognormal(random, 50, 102, 0.01);
        RegressionResult result = RegressionGate.compareSamples(baseline, candidate, GateSettings.of(LOWER, 0.05, 0.01, 10, 3));
        assertThat(result.pValue()).isLessThan(0.01);
        assertThat(result.verdict()).isEqualTo(Verdict.PASS);
        assertThat(result.explanation()).contains("within the 5% tolerance");
    }

    @Test
    void sameInputAndSeedGiveTheSameResult() {
        SplittableRandom random = new SplittableRandom(12);
        double[] baseline = lognormal(random, 25, 100, 0.1);
        double[] candidate = lognormal(random, 25, 107, 0.1);
        GateSettings settings = GateSettings.of(LOWER, 0.02, 0.01, 10, 77);
        assertThat(RegressionGate.compareSamples(baseline, candidate, settings))
                .isEqualTo(RegressionGate.compareSamples(baseline, candidate, settings));
    }

    @Test
    void tooFewSamplesIsNoData() {
        GateSettings settings = GateSettings.of(LOWER, 0.05, 0.01, 10, 1);
        RegressionResult few = RegressionGate.compareSamples(steps(1, 9), steps(1, 30), settings);
        assertThat(few.verdict()).isEqualTo(Verdict.NO_DATA);
        assertThat(few.pValue()).isNaN();
        assertThat(few.explanation()).contains("Only 9 baseline and 30 candidate samples").contains("min_samples 10");
        RegressionResult none = RegressionGate.compareSamples(new double[0], steps(1, 30), settings);
        assertThat(none.verdict()).isEqualTo(Verdict.NO_DATA);
        assertThat(none.explanation()).contains("no baseline samples yet");
        RegressionResult window = RegressionGate.compareValue(steps(1, 3), 5, settings);
        assertThat(window.verdict()).isEqualTo(Verdict.NO_DATA);
        assertThat(window.explanation()).contains("Only 3 earlier values");
    }

    @Test
    void rejectsNegativeMeasurementsAndBadSettings() {
        GateSettings settings = GateSettings.of(LOWER, 0.05, 0.01, 2, 1);
        assertThatThrownBy(() -> RegressionGate.compareSamples(new double[] {1, -2, 3}, new double[] {1, 2, 3}, settings))
                .hasMessageContaining("negative value -2.0 at index 1");
        assertThatThrownBy(() -> GateSettings.of(LOWER, 5, 0.01, 10, 1)).hasMessageContaining("0.05 for 5%");
        assertThatThrownBy(() -> GateSettings.of(LOWER, 0.05, 0.01, 1, 1)).hasMessageContaining("min_samples");
    }

    @Test
    void singleValueFromTheSameDistributionRarelyFails() {
        int failed = 0;
        for (int trial = 0; trial < 500; trial++) {
            SplittableRandom random = new SplittableRandom(40_000 + trial);
            double[] window = lognormal(random, 20, 250, 0.05);
            double next = lognormal(random, 1, 250, 0.05)[0];
            if (RegressionGate.compareValue(window, next, GateSettings.of(LOWER, 0.0, 0.01, 10, trial)).failed()) failed++;
        }
        assertThat(failed / 500.0).isLessThanOrEqualTo(0.02);
    }

    @Test
    void singleValueTenPercentWorseFailsWhenRunsAreSteady() {
        int failed = 0;
        for (int trial = 0; trial < 500; trial++) {
            SplittableRandom random = new SplittableRandom(50_000 + trial);
            double[] window = lognormal(random, 20, 250, 0.02);
            double next = lognormal(random, 1, 275, 0.02)[0];
            if (RegressionGate.compareValue(window, next, GateSettings.of(LOWER, 0.0, 0.01, 10, trial)).failed()) failed++;
        }
        assertThat(failed / 500.0).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void singleValueFailsExactlyBeyondThePredictionBoundWidenedByTheTolerance() {
        double[] window = {100, 102, 98, 101, 99, 100, 103, 97, 100, 100};
        GateSettings settings = GateSettings.of(LOWER, 0.05, 0.01, 5, 1);
        PredictionInterval interval = PredictionInterval.of(window, 0.01);
        double limit = interval.upper() + 0.05 * interval.mean();
        RegressionResult below = RegressionGate.compareValue(window, limit - 0.01, settings);
        RegressionResult above = RegressionGate.compareValue(window, limit + 0.01, settings);
        assertThat(below.limit()).isCloseTo(limit, within(1e-9));
        assertThat(below.verdict()).isEqualTo(Verdict.PASS);
        assertThat(below.explanation()).contains("within the limit");
        assertThat(above.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(above.explanation()).contains("beyond the limit").contains("5% tolerance");
        assertThat(above.pValue()).isLessThan(0.01);
        assertThat(above.changeUpper()).isCloseTo(interval.upper() / interval.mean() - 1, within(1e-12));

        GateSettings throughput = GateSettings.of(HIGHER, 0.05, 0.01, 5, 1);
        double floor = interval.lower() - 0.05 * interval.mean();
        assertThat(RegressionGate.compareValue(window, floor + 0.01, throughput).verdict()).isEqualTo(Verdict.PASS);
        assertThat(RegressionGate.compareValue(window, floor - 0.01, throughput).verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void holmAcrossMetricsTurnsABorderlineFailIntoAPass() {
        double[] baseline = steps(100, 20);
        GateSettings settings = GateSettings.of(LOWER, 0.0, 0.01, 10, 1);
        RegressionResult borderline = RegressionGate.compareSamples(baseline, plus(baseline, 5.6), settings);
        RegressionResult clear = RegressionGate.compareSamples(baseline, plus(baseline, 12.1), settings);
        RegressionResult unchanged = RegressionGate.compareSamples(baseline, plus(baseline, 0.1), settings);
        RegressionResult alsoUnchanged = RegressionGate.compareSamples(baseline, plus(baseline, -0.3), settings);
        RegressionResult missing = RegressionGate.compareSamples(steps(1, 3), baseline, settings);
        assertThat(borderline.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(borderline.pValue()).isBetween(0.01 / 3, 0.01);

        // four tested metrics: the clear one is multiplied by 4, the borderline one (second smallest) by 3
        List<RegressionResult> adjusted = RegressionGate.adjustAcrossMetrics(
                List.of(borderline, clear, unchanged, alsoUnchanged, missing));
        assertThat(adjusted).extracting(RegressionResult::verdict)
                .containsExactly(Verdict.PASS, Verdict.FAIL, Verdict.PASS, Verdict.PASS, Verdict.NO_DATA);
        assertThat(adjusted.get(0).rawPValue()).isEqualTo(borderline.pValue());
        assertThat(adjusted.get(0).pValue()).isCloseTo(3 * borderline.pValue(), within(1e-12));
        assertThat(adjusted.get(0).comparisons()).isEqualTo(4);
        assertThat(adjusted.get(0).explanation()).contains("Holm-adjusted p");
        assertThat(adjusted.get(4)).isSameAs(missing);
    }

    @Test
    void holmKeepsTheFamilyFalseAlarmRateDownAcrossThreeMetrics() {
        int familiesWithAlarm = 0;
        for (int trial = 0; trial < 200; trial++) {
            SplittableRandom random = new SplittableRandom(60_000 + trial);
            List<RegressionResult> results = List.of(
                    RegressionGate.compareSamples(lognormal(random, 20, 100, 0.1), lognormal(random, 20, 100, 0.1),
                            GateSettings.of(LOWER, 0.0, 0.01, 10, trial)),
                    RegressionGate.compareSamples(lognormal(random, 20, 900, 0.1), lognormal(random, 20, 900, 0.1),
                            GateSettings.of(HIGHER, 0.0, 0.01, 10, trial)),
                    RegressionGate.compareValue(lognormal(random, 15, 40, 0.1), lognormal(random, 1, 40, 0.1)[0],
                            GateSettings.of(LOWER, 0.0, 0.01, 10, trial)));
            if (RegressionGate.adjustAcrossMetrics(results).stream().anyMatch(r -> r.verdict() != Verdict.PASS)) {
                familiesWithAlarm++;
            }
        }
        assertThat(familiesWithAlarm / 200.0).isLessThanOrEqualTo(0.025);
    }
}
