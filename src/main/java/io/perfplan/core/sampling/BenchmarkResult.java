package io.perfplan.core.sampling;

import java.time.Duration;
import java.util.List;

/**
 * The measured runs of a benchmark (warm-up runs excluded) with statistics of their wall times in
 * milliseconds, and warnings a person should read (outliers, a noisy measurement).
 *
 * @param machineBusyPercent how busy all the machine's CPUs were during the measured runs (100 = every
 *                           core busy, with this command's own use included), or -1 when unknown
 */
public record BenchmarkResult(List<CommandResult> runs, RunStatistics wallMillis, List<String> warnings,
                              double machineBusyPercent) {

    public BenchmarkResult {
        runs = List.copyOf(runs);
        warnings = List.copyOf(warnings);
    }

    public double[] wallMillisPerRun() {
        return runs.stream().mapToDouble(r -> r.wall().toNanos() / 1e6).toArray();
    }

    public Duration totalUserCpu() {
        return runs.stream().map(CommandResult::userCpu).reduce(Duration.ZERO, Duration::plus);
    }

    public Duration totalSysCpu() {
        return runs.stream().map(CommandResult::sysCpu).reduce(Duration.ZERO, Duration::plus);
    }

    public Duration totalWall() {
        return runs.stream().map(CommandResult::wall).reduce(Duration.ZERO, Duration::plus);
    }

    /** Largest peak RSS over the runs, or -1 when none could be measured. */
    public long peakRssBytes() {
        return runs.stream().mapToLong(CommandResult::peakRssBytes).max().orElse(-1);
    }
}
