package io.perfplan.core.sampling;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BottleneckClassifierTest {

    private static CommandResult run(long wallMs, long cpuMs, long voluntary, long involuntary) {
        return new CommandResult(0, Duration.ofMillis(wallMs), Duration.ofMillis(cpuMs), Duration.ZERO, 1 << 20,
                "", "", false, false, false, 0, 0, voluntary, involuntary);
    }

    private static BenchmarkResult runs(CommandResult... results) {
        double[] wall = java.util.Arrays.stream(results).mapToDouble(r -> r.wall().toMillis()).toArray();
        return new BenchmarkResult(List.of(results), RunStatistics.of(wall, 1), List.of(), 40);
    }

    private static ProcessSamples series(long[] rss, double cpuPercent) {
        int n = rss.length;
        long[] t = new long[n];
        double[] cpu = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = (i + 1) * 1000L;
            cpu[i] = cpuPercent;
        }
        return new ProcessSamples(List.of(1), t, cpu, rss, new int[n], new long[n], new long[n], new long[n], new long[n],
                Duration.ZERO, Duration.ZERO, Duration.ZERO, "");
    }

    @Test
    void busyRunsAreCpuBoundAndIdleRunsAreWaiting() {
        assertThat(BottleneckClassifier.ofRuns(runs(run(1000, 950, 2, 3)), null, 4).bottleneck()).isEqualTo(Bottleneck.CPU_BOUND);
        assertThat(BottleneckClassifier.ofRuns(runs(run(1000, 10, 40, 2)), null, 4).bottleneck()).isEqualTo(Bottleneck.WAITING);
        assertThat(BottleneckClassifier.ofRuns(runs(run(1000, 500, 40, 10)), null, 4).bottleneck()).isEqualTo(Bottleneck.MIXED);
    }

    @Test
    void preemptedRunsOnABusyMachineAreStillCpuBound() {
        Diagnosis d = BottleneckClassifier.ofRuns(runs(run(1000, 200, 1, 60)), null, 2);

        assertThat(d.bottleneck()).isEqualTo(Bottleneck.CPU_BOUND);
        assertThat(d.evidence()).contains("preempted 60 times", "only 1 times");
        // A sleeper preempted at start-up on a busy machine is still waiting: it barely used the CPU.
        assertThat(BottleneckClassifier.ofRuns(runs(run(300, 3, 2, 9)), null, 2).bottleneck()).isEqualTo(Bottleneck.WAITING);
    }

    @Test
    void lowCpuOnASaturatedMachineSaysItMayBeStarvation() {
        CommandResult r = run(1000, 450, 300, 200);
        BenchmarkResult busy = new BenchmarkResult(List.of(r), RunStatistics.of(new double[] {1000}, 1), List.of(), 97);

        Diagnosis d = BottleneckClassifier.ofRuns(busy, null, 2);
        assertThat(d.bottleneck()).isEqualTo(Bottleneck.MIXED);
        assertThat(d.evidence()).contains("97% busy meanwhile");
        assertThat(d.recommendations()).last().asString().contains("quieter machine");
    }

    @Test
    void steadyRssGrowthIsMemoryGrowthButNoiseIsNot() {
        long mib = 1 << 20;
        long[] growing = new long[12];
        long[] noisy = new long[12];
        for (int i = 0; i < 12; i++) {
            growing[i] = 100 * mib + i * 8 * mib + (i % 2) * mib;
            noisy[i] = 100 * mib + ((i * 7919) % 5) * mib;
        }
        Diagnosis grows = BottleneckClassifier.ofProcess(series(growing, 5), null, 2);
        assertThat(grows.bottleneck()).isEqualTo(Bottleneck.MEMORY_GROWTH);
        assertThat(grows.evidence()).startsWith("Resident memory grew by");
        assertThat(BottleneckClassifier.ofProcess(series(noisy, 5), null, 2).bottleneck()).isEqualTo(Bottleneck.WAITING);
    }

    @Test
    void gcPausesAndBlockedMonitorsComeFromTheRecording() {
        JfrSummary gc = new JfrSummary(List.of(), 100, Duration.ofMillis(300), Duration.ofMillis(80), 12, 5e8,
                List.of(), Duration.ZERO, Duration.ofSeconds(2));
        assertThat(BottleneckClassifier.ofRuns(runs(run(2000, 1900, 5, 5)), gc, 2).bottleneck()).isEqualTo(Bottleneck.GC_PRESSURE);

        JfrSummary locks = new JfrSummary(List.of(), 100, Duration.ZERO, Duration.ZERO, 0, 0,
                List.of(new JfrSummary.ContendedMonitor("com.example.Cache", 40, Duration.ofMillis(900))),
                Duration.ofMillis(900), Duration.ofSeconds(2));
        Diagnosis d = BottleneckClassifier.ofRuns(runs(run(2000, 400, 300, 5)), locks, 2);
        assertThat(d.bottleneck()).isEqualTo(Bottleneck.LOCK_CONTENTION);
        assertThat(d.recommendations().get(0)).contains("com.example.Cache");
    }
}
