package io.perfplan.core.sampling;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command-line entry for bench/profile-vs-hyperfine.sh (not used by perfplan itself):
 * <pre>
 * ProfileBench command RUNS WARMUP PROGRAM [ARGS...]   prints mean/median/stddev of the wall time in ms
 * ProfileBench sampling-cost INTERVAL_MS SECONDS PID    prints the CPU the sampler costs, in % of one core
 * </pre>
 */
public final class ProfileBench {

    private ProfileBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 4 && args[0].equals("command")) {
            int runs = Integer.parseInt(args[1]);
            int warmup = Integer.parseInt(args[2]);
            CommandSpec command = CommandSpec.of(Arrays.copyOfRange(args, 3, args.length));
            BenchmarkResult r = new CommandBenchmark(new CommandRunner()).run(BenchmarkSpec.of(command, runs, warmup),
                    p -> { }, () -> false, l -> { });
            RunStatistics s = r.wallMillis();
            System.out.printf(Locale.ROOT, "mean_ms=%.3f median_ms=%.3f stddev_ms=%.3f min_ms=%.3f max_ms=%.3f runs=%d%n",
                    s.mean(), s.median(), s.stddev(), s.min(), s.max(), s.count());
        } else if (args.length == 4 && args[0].equals("sampling-cost")) {
            Duration interval = Duration.ofMillis(Long.parseLong(args[1]));
            Duration duration = Duration.ofSeconds(Long.parseLong(args[2]));
            List<Integer> pid = List.of(Integer.parseInt(args[3]));
            ProcessSampler sampler = new ProcessSampler();
            sampler.sample(pid, interval, Duration.ofSeconds(2), () -> false); // class loading and JIT warm-up
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long idleCpu = processCpuNanos();
            long idleStart = System.nanoTime();
            Thread.sleep(duration.toMillis());
            double idleShare = (processCpuNanos() - idleCpu) / (double) (System.nanoTime() - idleStart);
            long cpu0 = processCpuNanos();
            long thread0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            ProcessSamples s = sampler.sample(pid, interval, duration, () -> false);
            long wall = System.nanoTime() - t0;
            double samplerShare = (threads.getCurrentThreadCpuTime() - thread0) / (double) wall;
            double jvmShare = (processCpuNanos() - cpu0) / (double) wall;
            System.out.printf(Locale.ROOT, "samples=%d interval_ms=%d sampler_thread_core_percent=%.3f "
                            + "jvm_core_percent=%.3f jvm_idle_core_percent=%.3f note=%s%n",
                    s.size(), interval.toMillis(), 100 * samplerShare, 100 * jvmShare, 100 * idleShare,
                    s.note().isEmpty() ? "-" : s.note().replace(' ', '_'));
        } else {
            System.err.println("usage: ProfileBench command RUNS WARMUP PROGRAM [ARGS...] | sampling-cost INTERVAL_MS SECONDS PID");
            System.exit(2);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
