package io.perfplan.core.sampling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs a command repeatedly and measures every run exactly with {@link CommandRunner}, hyperfine
 * style. A run that exits non-zero or times out stops the benchmark with a {@link CommandFailedException}.
 */
public final class CommandBenchmark {

    /** Seed of the bootstrap interval, so the same runs always give the same interval. */
    public static final long SEED = 20240601L;

    private final CommandRunner runner;

    public CommandBenchmark(CommandRunner runner) {
        this.runner = runner;
    }

    /**
     * Runs the benchmark.
     *
     * @param tracker   receives every started process (so a cancel can end it)
     * @param cancelled polled between runs; when true the benchmark stops with {@link CancellationException}
     * @param log       one line per measured run, for the person watching
     */
    public BenchmarkResult run(BenchmarkSpec spec, Consumer<Process> tracker, BooleanSupplier cancelled,
                               Consumer<String> log) throws CommandLaunchException {
        for (int i = 1; i <= spec.warmup(); i++) {
            once(spec, "warm-up run " + i, tracker, cancelled);
        }
        List<CommandResult> runs = new ArrayList<>();
        Duration measured = Duration.ZERO;
        long[] cpuBefore = machineCpuTicks();
        while (runs.size() < spec.runs()
                || (measured.compareTo(spec.minTime()) < 0 && runs.size() < spec.maxRuns())) {
            CommandResult r = once(spec, "run " + (runs.size() + 1), tracker, cancelled);
            runs.add(r);
            measured = measured.plus(r.wall());
            log.accept(String.format(Locale.ROOT, "run %d: %.1f ms wall, %.1f ms user, %.1f ms sys",
                    runs.size(), r.wall().toNanos() / 1e6, r.userCpu().toNanos() / 1e6, r.sysCpu().toNanos() / 1e6));
        }
        long[] cpuAfter = machineCpuTicks();
        double busyPercent = cpuBefore == null || cpuAfter == null || cpuAfter[1] == cpuBefore[1] ? -1
                : 100.0 * (1 - (double) (cpuAfter[0] - cpuBefore[0]) / (cpuAfter[1] - cpuBefore[1]));
        double[] wall = runs.stream().mapToDouble(r -> r.wall().toNanos() / 1e6).toArray();
        RunStatistics stats = RunStatistics.of(wall, SEED);
        List<String> warnings = new ArrayList<>();
        if (!stats.outliers().isEmpty()) {
            warnings.add(String.format(Locale.ROOT,
                    "%d of %d runs %s statistical outliers (run %s); other programs or caches may have disturbed "
                            + "the measurement: use more warm-up runs, a prepare command, or a quieter machine.",
                    stats.outliers().size(), runs.size(), stats.outliers().size() == 1 ? "is a" : "are",
                    String.join(", ", stats.outliers().stream().map(i -> String.valueOf(i + 1)).toList())));
        }
        if (runs.size() >= 3 && stats.mean() > 0 && stats.stddev() / stats.mean() > 0.25) {
            warnings.add(String.format(Locale.ROOT,
                    "Run times vary a lot (stddev is %.0f%% of the mean); compare medians, or add runs or min_time.",
                    100 * stats.stddev() / stats.mean()));
        }
        if (busyPercent >= 90) {
            warnings.add(String.format(Locale.ROOT, "The machine's CPUs were %.0f%% busy during the runs, so the command "
                    + "may have waited for a CPU; measure on a quieter machine for stable numbers.", busyPercent));
        }
        return new BenchmarkResult(runs, stats, warnings, busyPercent);
    }

    private CommandResult once(BenchmarkSpec spec, String label, Consumer<Process> tracker, BooleanSupplier cancelled)
            throws CommandLaunchException {
        if (spec.prepare() != null) {
            check(runner.run(spec.prepare(), tracker), "The prepare command before " + label, spec.prepare(), cancelled);
        }
        CommandResult r = check(runner.run(spec.command(), tracker), capitalize(label), spec.command(), cancelled);
        if (spec.cleanup() != null) {
            check(runner.run(spec.cleanup(), tracker), "The cleanup command after " + label, spec.cleanup(), cancelled);
        }
        return r;
    }

    private static CommandResult check(CommandResult r, String what, CommandSpec command, BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException(what + " was cancelled.");
        }
        if (r.timedOut()) {
            throw new CommandFailedException(what + " of '" + command.display() + "' did not finish within "
                    + command.timeout().toMillis() + " ms; raise the timeout or make the command faster.", r);
        }
        if (r.exitCode() != 0) {
            String tail = r.tail();
            throw new CommandFailedException(what + " of '" + command.display() + "' exited with code " + r.exitCode()
                    + (tail.isEmpty() ? "" : " (" + tail + ")") + "; fix the command so it exits with 0.", r);
        }
        return r;
    }

    /** Idle (idle + iowait) and total ticks of all CPUs from /proc/stat, or null where it cannot be read. */
    static long[] machineCpuTicks() {
        try (java.io.BufferedReader in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/stat"))) {
            String[] f = in.readLine().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user..steal; guest time is already in user
                total += Long.parseLong(f[i]);
            }
            return new long[] {Long.parseLong(f[4]) + Long.parseLong(f[5]), total};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
