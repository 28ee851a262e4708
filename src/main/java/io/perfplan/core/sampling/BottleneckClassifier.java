package io.perfplan.core.sampling;

import org.apache.commons.math3.stat.regression.SimpleRegression;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Names the bottleneck from measurements. Rules, first match wins: GC pauses over 10% of the time
 * (gc-pressure); threads blocked on monitors for over 20% of the time (lock-contention); RSS rising
 * with a significant least-squares slope (p &lt; 0.01) by at least 10% and 16 MiB (memory-growth); a
 * CPU demand of at least 0.7 cores (cpu-bound); under 0.5 cores busy while reading or writing over
 * 5 MB/s (io-wait); under 0.3 cores busy (waiting); otherwise mixed. JFR-based rules apply only when a
 * recording is given.
 *
 * <p>CPU demand is what the target would have used on an idle machine, so a CPU-bound program on a
 * busy machine is still named cpu-bound: for a sampled process it is CPU time plus the time its
 * threads sat runnable in the run queue; for command runs, where the kernel keeps no run-queue time
 * after exit, a run that was preempted at least twice as often as it gave up the CPU by itself
 * (involuntary vs voluntary context switches, at least 5) while using at least 0.1 cores is counted as
 * wanting a full core.
 */
public final class BottleneckClassifier {

    static final double GC_SHARE = 0.10;
    static final double BLOCKED_SHARE = 0.20;
    static final double CPU_BOUND_CORES = 0.7;
    static final double WAITING_CORES = 0.3;
    static final double PREEMPTED_MIN_CORES = 0.1;
    static final double IO_CORES = 0.5;
    static final double IO_BYTES_PER_SECOND = 5e6;
    static final double GROWTH_P_VALUE = 0.01;
    static final long GROWTH_MIN_BYTES = 16L << 20;

    private BottleneckClassifier() {}

    /** Diagnosis of benchmark runs of a command; {@code jfr} may be null. */
    public static Diagnosis ofRuns(BenchmarkResult runs, JfrSummary jfr, int logicalCores) {
        double wallSeconds = runs.totalWall().toNanos() / 1e9;
        double cores = wallSeconds == 0 ? 0 : runs.totalUserCpu().plus(runs.totalSysCpu()).toNanos() / 1e9 / wallSeconds;
        long io = runs.runs().stream().mapToLong(r -> r.readBytes() + r.writtenBytes()).sum();
        long voluntary = runs.runs().stream().mapToLong(CommandResult::voluntarySwitches).sum();
        long involuntary = runs.runs().stream().mapToLong(CommandResult::involuntarySwitches).sum();
        // Counts say nothing about how long each wait was (one sleep is one voluntary switch), so a run
        // must also have used a real share of a core for preemption to count as CPU demand.
        boolean preempted = involuntary >= 5 && involuntary >= 2 * voluntary && cores >= PREEMPTED_MIN_CORES;
        String why = String.format(Locale.ROOT, " It was preempted %d times but gave up the CPU by itself only %d times: "
                + "it wanted more CPU than the machine, busy with other work, gave it.", involuntary, voluntary);
        Diagnosis d = classify(cores, preempted ? Math.max(1.0, cores) : cores, why, wallSeconds, io, null, jfr, logicalCores);
        if (runs.machineBusyPercent() >= 90 && (d.bottleneck() == Bottleneck.MIXED || d.bottleneck() == Bottleneck.WAITING)) {
            // Low CPU use on a saturated machine may be starvation rather than waiting: say so.
            return new Diagnosis(d.bottleneck(), d.evidence() + String.format(Locale.ROOT,
                    " The machine's CPUs were %.0f%% busy meanwhile, so part of that time may have been spent waiting for a CPU.",
                    runs.machineBusyPercent()),
                    java.util.stream.Stream.concat(d.recommendations().stream(),
                            java.util.stream.Stream.of("Measure again on a quieter machine to tell CPU starvation from real waiting.")).toList());
        }
        return d;
    }

    /** Diagnosis of sampled processes; {@code jfr} may be null. */
    public static Diagnosis ofProcess(ProcessSamples samples, JfrSummary jfr, int logicalCores) {
        int n = samples.size();
        if (n == 0) {
            return new Diagnosis(Bottleneck.MIXED, "No samples were taken, so nothing can be said about the process.",
                    List.of("Sample for longer than one interval" + (samples.note().isEmpty() ? "." : " (" + samples.note() + ").")));
        }
        double cpuMean = 0;
        for (double c : samples.cpuPercent()) {
            cpuMean += c / n;
        }
        double seconds = samples.spanMillis() / 1000.0;
        long io = samples.readBytes()[n - 1] + samples.writtenBytes()[n - 1];
        double waitingForCpu = seconds > 0 ? samples.runQueueWait().toNanos() / 1e9 / seconds : 0;
        String why = String.format(Locale.ROOT, " Its threads also waited %.1f s in the run queue for a free core: "
                + "it wanted more CPU than the machine, busy with other work, gave it.", samples.runQueueWait().toNanos() / 1e9);
        return classify(cpuMean / 100, cpuMean / 100 + waitingForCpu, why, seconds, io,
                rssGrowth(samples.offsetMillis(), samples.rssBytes()), jfr, logicalCores);
    }

    /** Diagnosis of the whole machine. */
    public static Diagnosis ofSystem(SystemSamples s) {
        int n = s.size();
        if (n == 0) {
            return new Diagnosis(Bottleneck.NONE, "No samples were taken.", List.of("Sample for longer than one interval."));
        }
        double cpu = mean(s.cpuPercent());
        double iowait = mean(s.iowaitPercent());
        Growth memory = rssGrowth(s.offsetMillis(), s.memoryUsedBytes());
        if (cpu >= 85) {
            return new Diagnosis(Bottleneck.CPU_BOUND, String.format(Locale.ROOT,
                    "The machine's %d cores were %.0f%% busy on average.", s.logicalCores(), cpu),
                    List.of("Find the processes using the CPU (profile with process: or pid:) and optimize or move them.",
                            "Add cores or spread the load over more machines if the work is legitimate."));
        }
        if (iowait >= 20) {
            return new Diagnosis(Bottleneck.IO_WAIT, String.format(Locale.ROOT,
                    "CPUs spent %.0f%% of the time waiting for I/O (disk read %.1f MB/s, write %.1f MB/s).",
                    iowait, mean(s.diskReadBytesPerSecond()) / 1e6, mean(s.diskWriteBytesPerSecond()) / 1e6),
                    List.of("Find the process doing the I/O (profile it for io.read/io.write) and batch, cache or reduce it.",
                            "Move the data to faster storage or add memory so it stays in the page cache."));
        }
        if (memory != null) {
            return new Diagnosis(Bottleneck.MEMORY_GROWTH, memory.sentence("Used memory"),
                    List.of("Find the process whose RSS grows (profile it with pid: or process:) and look for unbounded caches or leaks."));
        }
        double load = mean(s.loadAverage1m());
        return new Diagnosis(Bottleneck.NONE, String.format(Locale.ROOT,
                "The machine had headroom while sampled: %.0f%% CPU, %.0f%% I/O wait%s.", cpu, iowait,
                load >= s.logicalCores()
                        ? String.format(Locale.ROOT, "; the 1-minute load average (%.2f on %d cores) shows heavier demand just before", load, s.logicalCores())
                        : String.format(Locale.ROOT, ", load %.2f on %d cores", load, s.logicalCores())),
                List.of("Look for the limit in the service itself: profile its process with jfr: true while it is under load."));
    }

    private static Diagnosis classify(double cores, double demand, String demandEvidence, double seconds, long ioBytes,
                                      Growth growth, JfrSummary jfr, int logicalCores) {
        List<String> hot = new ArrayList<>();
        if (jfr != null) {
            double span = Math.max(jfr.span().toNanos() / 1e9, 1e-3);
            double gcShare = jfr.gcPauseTotal().toNanos() / 1e9 / span;
            if (gcShare >= GC_SHARE) {
                return new Diagnosis(Bottleneck.GC_PRESSURE, String.format(Locale.ROOT,
                        "Garbage collection paused the JVM for %.0f%% of the time (%d collections, longest pause %.1f ms, allocating %.1f MB/s).",
                        100 * gcShare, jfr.gcCount(), jfr.gcPauseMax().toNanos() / 1e6, jfr.allocationBytesPerSecond() / 1e6),
                        List.of("Allocate less in the hot paths (reuse buffers, avoid boxing and temporary collections); the hot methods show where.",
                                "Give the heap more room (-Xmx) so collections are rarer, and check that it is not nearly full of live data.",
                                "If pause length matters more than throughput, try a low-pause collector (-XX:+UseZGC)."));
            }
            double blockedShare = jfr.monitorBlocked().toNanos() / 1e9 / span;
            if (blockedShare >= BLOCKED_SHARE && !jfr.contendedMonitors().isEmpty()) {
                JfrSummary.ContendedMonitor top = jfr.contendedMonitors().get(0);
                return new Diagnosis(Bottleneck.LOCK_CONTENTION, String.format(Locale.ROOT,
                        "Threads were blocked entering monitors for %.1f s in a %.1f s recording; most on %s (%d times, %.1f s).",
                        jfr.monitorBlocked().toNanos() / 1e9, span, top.monitorClass(), top.count(), top.blocked().toNanos() / 1e9),
                        List.of("Shorten or split the synchronized sections on " + top.monitorClass() + ", or replace them with concurrent "
                                        + "structures (ConcurrentHashMap, LongAdder, lock striping).",
                                "Move slow work (I/O, logging, allocation-heavy code) out of the locked region."));
            }
            jfr.hotMethods().stream().limit(3).forEach(m ->
                    hot.add(String.format(Locale.ROOT, "%s (%.0f%% of samples)", m.method(), m.percent())));
        }
        if (growth != null) {
            return new Diagnosis(Bottleneck.MEMORY_GROWTH, growth.sentence("Resident memory"),
                    List.of("Look for caches, queues or listeners that grow without bound; compare two heap dumps taken minutes "
                                    + "apart (jcmd PID GC.heap_dump) for JVMs, or use a leak checker for native code.",
                            "Sample for longer to see whether the growth levels off (warm-up) or continues (a leak)."));
        }
        double ioRate = seconds > 0 ? ioBytes / seconds : 0;
        if (demand >= CPU_BOUND_CORES) {
            List<String> rec = new ArrayList<>();
            if (!hot.isEmpty()) {
                rec.add("Optimize the hottest code first: " + String.join(", ", hot) + ".");
            } else {
                rec.add("Find where the CPU time goes: for a JVM run again with jfr: true; otherwise use perf or a language profiler.");
            }
            if (demand < 1.3 && logicalCores > 1) {
                rec.add(String.format(Locale.ROOT,
                        "It used about one core of %d: if the work can be split, run it on several threads or processes.", logicalCores));
            }
            rec.add("Avoid repeated work: cache results, use better algorithms or data structures for the hot paths.");
            return new Diagnosis(Bottleneck.CPU_BOUND, String.format(Locale.ROOT,
                    "It kept %.2f cores busy on average over %.1f s.", cores, seconds)
                    + (demand > cores + 0.1 ? demandEvidence : ""), rec);
        }
        if (cores < IO_CORES && ioRate >= IO_BYTES_PER_SECOND) {
            return new Diagnosis(Bottleneck.IO_WAIT, String.format(Locale.ROOT,
                    "It used %.2f cores while reading and writing %.1f MB/s of storage.", cores, ioRate / 1e6),
                    List.of("Read and write in larger blocks, buffer output, and avoid re-reading the same data (cache it).",
                            "Check the storage: a faster disk, or more memory for the page cache, may be the cheapest fix."));
        }
        if (cores < WAITING_CORES) {
            return new Diagnosis(Bottleneck.WAITING, String.format(Locale.ROOT,
                    "It used only %.2f cores over %.1f s: most of the time it was waiting, not computing.", cores, seconds),
                    List.of("Find what it waits for: network calls, a database, another process, locks or sleeps; time those calls.",
                            "Make independent waits concurrent, add caching, and check timeouts and connection-pool sizes.",
                            "Measure the dependency directly (e.g. a loadtest of the downstream service) to see if it is the slow part."));
        }
        List<String> rec = new ArrayList<>();
        rec.add("Profile the phases separately: no single resource dominates, so the time is split between computing and waiting.");
        if (!hot.isEmpty()) {
            rec.add("The hottest code is " + String.join(", ", hot) + ".");
        }
        return new Diagnosis(Bottleneck.MIXED, String.format(Locale.ROOT,
                "It kept %.2f cores busy over %.1f s: neither clearly CPU-bound nor mostly waiting.", cores, seconds), rec);
    }

    /** Significant RSS growth over the samples, or null when there is none. */
    static Growth rssGrowth(long[] offsetMillis, long[] bytes) {
        if (offsetMillis.length < 6) {
            return null;
        }
        SimpleRegression regression = new SimpleRegression();
        for (int i = 0; i < offsetMillis.length; i++) {
            regression.addData(offsetMillis[i] / 1000.0, bytes[i]);
        }
        double slope = regression.getSlope();
        double p = regression.getSignificance();
        double seconds = (offsetMillis[offsetMillis.length - 1] - offsetMillis[0]) / 1000.0;
        double grown = slope * seconds;
        long first = Math.max(1, bytes[0]);
        if (slope > 0 && p < GROWTH_P_VALUE && grown >= GROWTH_MIN_BYTES && grown >= 0.10 * first) {
            return new Growth(slope, p, grown, first, Duration.ofMillis(Math.round(seconds * 1000)));
        }
        return null;
    }

    record Growth(double bytesPerSecond, double pValue, double grownBytes, long firstBytes, Duration over) {
        String sentence(String what) {
            return String.format(Locale.ROOT, "%s grew by %.0f MiB (from %.0f MiB) in %.1f s, %.1f MiB/min (slope p = %.1g).",
                    what, grownBytes / 1048576, firstBytes / 1048576.0, over.toMillis() / 1000.0, bytesPerSecond * 60 / 1048576,
                    pValue);
        }
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? 0 : sum / values.length;
    }
}
