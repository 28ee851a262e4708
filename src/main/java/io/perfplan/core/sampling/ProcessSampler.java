package io.perfplan.core.sampling;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Samples running processes or the whole machine at a fixed interval for a duration. OSHI finds
 * processes by name and reads the machine's counters; each tick of process sampling re-reads only the
 * sampled processes' own {@code /proc} files with a lean reader (no enumeration of all processes, no
 * parsing beyond the needed fields), so sampling every 100 ms costs well under 1% of a core. A process
 * that exits ends its part of the sampling; when all have exited, sampling stops early with a note.
 * Process sampling reads Linux {@code /proc}.
 */
public final class ProcessSampler {

    /** Kernel clock tick (USER_HZ) in ms and page size in bytes, for /proc counters. */
    private static final long MILLIS_PER_TICK = 1000 / Math.max(1, LinuxLibC.C.sysconf(LinuxLibC.SC_CLK_TCK));
    private static final long PAGE_BYTES = LinuxLibC.C.sysconf(LinuxLibC.SC_PAGESIZE);

    private final SystemInfo system = new SystemInfo();
    private final OperatingSystem os = system.getOperatingSystem();

    /**
     * The processes whose name or command line matches the regular expression (searched, not anchored),
     * this JVM excluded.
     *
     * @throws IllegalArgumentException when the expression is invalid or nothing matches
     */
    public List<Integer> find(String regex) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("process '" + regex + "' is not a valid regular expression: "
                    + e.getDescription() + "; fix the pattern.");
        }
        int self = os.getProcessId();
        List<Integer> pids = os.getProcesses(p -> p.getProcessID() != self
                        && (pattern.matcher(p.getName()).find() || pattern.matcher(p.getCommandLine()).find()), null, 0)
                .stream().map(OSProcess::getProcessID).sorted().toList();
        if (pids.isEmpty()) {
            throw new IllegalArgumentException("No running process matches '" + regex
                    + "' by name or command line; check that it runs (ps -ef) or use pid.");
        }
        return pids;
    }

    /**
     * Samples the processes every {@code interval} until {@code duration} has passed, {@code stop}
     * answers true, or every process has exited.
     *
     * @throws IllegalArgumentException when none of the processes exists
     */
    public ProcessSamples sample(List<Integer> pids, Duration interval, Duration duration, BooleanSupplier stop) {
        Ticks tick = new Ticks(interval, duration, stop);
        List<Integer> sampled = new ArrayList<>();
        List<ProcReader> readers = new ArrayList<>();
        long[] values = new long[ProcReader.FIELDS];
        List<long[]> first = new ArrayList<>();
        for (int pid : pids) {
            ProcReader reader = new ProcReader(pid);
            if (reader.read(values)) {
                sampled.add(pid);
                readers.add(reader);
                first.add(values.clone());
            }
        }
        if (readers.isEmpty()) {
            throw new IllegalArgumentException("No process with pid " + pids.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
                    + " is running; check the pid (ps -p PID).");
        }
        int n = readers.size();
        int capacity = tick.capacity();
        long[] offset = new long[capacity];
        double[] cpu = new double[capacity];
        long[] rss = new long[capacity];
        int[] threads = new int[capacity];
        long[] files = new long[capacity];
        long[] read = new long[capacity];
        long[] written = new long[capacity];
        long[] switches = new long[capacity];

        long[][] last = new long[n][];
        long[] lastFiles = new long[n];
        long[] firstRunDelay = new long[n];
        long[] lastRunDelay = new long[n];
        boolean[] gone = new boolean[n];
        for (int i = 0; i < n; i++) {
            last[i] = first.get(i).clone();
            lastFiles[i] = readers.get(i).openFiles();
            firstRunDelay[i] = lastRunDelay[i] = readers.get(i).runQueueNanos();
        }
        while (tick.next()) {
            int count = tick.index();
            // Directory walks (open files, per-thread run-queue time) cost more than the counters: every 10th tick.
            boolean slowTick = count % 10 == 0 || tick.isLast();
            long cpuTicks = 0;
            int alive = 0;
            for (int i = 0; i < n; i++) {
                if (gone[i]) {
                    continue;
                }
                ProcReader reader = readers.get(i);
                if (!reader.read(values)) {
                    gone[i] = true;
                    continue;
                }
                alive++;
                cpuTicks += values[ProcReader.USER_TICKS] + values[ProcReader.SYSTEM_TICKS]
                        - last[i][ProcReader.USER_TICKS] - last[i][ProcReader.SYSTEM_TICKS];
                System.arraycopy(values, 0, last[i], 0, values.length);
                if (slowTick) {
                    lastFiles[i] = reader.openFiles();
                    long d = reader.runQueueNanos();
                    lastRunDelay[i] = d >= firstRunDelay[i] ? d : lastRunDelay[i];
                }
                rss[count] += values[ProcReader.RSS_PAGES] * PAGE_BYTES;
                threads[count] += (int) values[ProcReader.THREADS];
                files[count] += Math.max(0, lastFiles[i]);
            }
            if (alive == 0) {
                tick.end("The process " + (n == 1 ? sampled.get(0) + " exited" : "es all exited")
                        + " after " + tick.offsetMillis() + " ms; sampling ended early.");
                break;
            }
            for (int i = 0; i < n; i++) {
                long[] f = first.get(i);
                read[count] += last[i][ProcReader.READ_BYTES] - f[ProcReader.READ_BYTES];
                written[count] += last[i][ProcReader.WRITTEN_BYTES] - f[ProcReader.WRITTEN_BYTES];
                switches[count] += last[i][ProcReader.VOLUNTARY_SWITCHES] + last[i][ProcReader.INVOLUNTARY_SWITCHES]
                        - f[ProcReader.VOLUNTARY_SWITCHES] - f[ProcReader.INVOLUNTARY_SWITCHES];
            }
            offset[count] = tick.offsetMillis();
            cpu[count] = 100.0 * cpuTicks * MILLIS_PER_TICK / (1000 * tick.secondsSincePrevious());
        }
        int count = tick.index();
        long userTicks = 0;
        long systemTicks = 0;
        long runDelayNanos = 0;
        for (int i = 0; i < n; i++) {
            userTicks += last[i][ProcReader.USER_TICKS] - first.get(i)[ProcReader.USER_TICKS];
            systemTicks += last[i][ProcReader.SYSTEM_TICKS] - first.get(i)[ProcReader.SYSTEM_TICKS];
            runDelayNanos += lastRunDelay[i] - firstRunDelay[i];
        }
        return new ProcessSamples(sampled, Arrays.copyOf(offset, count),
                Arrays.copyOf(cpu, count), Arrays.copyOf(rss, count), Arrays.copyOf(threads, count),
                Arrays.copyOf(files, count), Arrays.copyOf(read, count), Arrays.copyOf(written, count),
                Arrays.copyOf(switches, count), Duration.ofMillis(userTicks * MILLIS_PER_TICK),
                Duration.ofMillis(systemTicks * MILLIS_PER_TICK), Duration.ofNanos(runDelayNanos), tick.note());
    }

    /** Samples the whole machine every {@code interval} until {@code duration} has passed or {@code stop} answers true. */
    public SystemSamples sampleSystem(Duration interval, Duration duration, BooleanSupplier stop) {
        Ticks tick = new Ticks(interval, duration, stop);
        CentralProcessor cpu = system.getHardware().getProcessor();
        GlobalMemory memory = system.getHardware().getMemory();
        List<HWDiskStore> disks = system.getHardware().getDiskStores();
        List<NetworkIF> nics = system.getHardware().getNetworkIFs();
        int capacity = tick.capacity();
        long[] offset = new long[capacity];
        double[] busy = new double[capacity];
        double[] iowait = new double[capacity];
        double[] load = new double[capacity];
        long[] used = new long[capacity];
        double[] diskRead = new double[capacity];
        double[] diskWrite = new double[capacity];
        double[] rx = new double[capacity];
        double[] tx = new double[capacity];

        long[] ticks = cpu.getSystemCpuLoadTicks();
        long[] io = diskAndNetworkCounters(disks, nics);
        while (tick.next()) {
            int count = tick.index();
            double seconds = tick.secondsSincePrevious();
            long[] t = cpu.getSystemCpuLoadTicks();
            long total = 0;
            for (int i = 0; i < t.length; i++) {
                total += t[i] - ticks[i];
            }
            long idle = t[CentralProcessor.TickType.IDLE.getIndex()] - ticks[CentralProcessor.TickType.IDLE.getIndex()];
            long wait = t[CentralProcessor.TickType.IOWAIT.getIndex()] - ticks[CentralProcessor.TickType.IOWAIT.getIndex()];
            busy[count] = total == 0 ? 0 : 100.0 * (total - idle - wait) / total;
            iowait[count] = total == 0 ? 0 : 100.0 * wait / total;
            ticks = t;
            load[count] = cpu.getSystemLoadAverage(1)[0];
            used[count] = memory.getTotal() - memory.getAvailable();
            long[] nowIo = diskAndNetworkCounters(disks, nics);
            diskRead[count] = (nowIo[0] - io[0]) / seconds;
            diskWrite[count] = (nowIo[1] - io[1]) / seconds;
            rx[count] = (nowIo[2] - io[2]) / seconds;
            tx[count] = (nowIo[3] - io[3]) / seconds;
            io = nowIo;
            offset[count] = tick.offsetMillis();
        }
        int count = tick.index();
        return new SystemSamples(cpu.getLogicalProcessorCount(), memory.getTotal(), Arrays.copyOf(offset, count),
                Arrays.copyOf(busy, count), Arrays.copyOf(iowait, count), Arrays.copyOf(load, count),
                Arrays.copyOf(used, count), Arrays.copyOf(diskRead, count), Arrays.copyOf(diskWrite, count),
                Arrays.copyOf(rx, count), Arrays.copyOf(tx, count), tick.note());
    }

    private static long[] diskAndNetworkCounters(List<HWDiskStore> disks, List<NetworkIF> nics) {
        long[] c = new long[4];
        for (HWDiskStore d : disks) {
            d.updateAttributes();
            c[0] += d.getReadBytes();
            c[1] += d.getWriteBytes();
        }
        for (NetworkIF nic : nics) {
            nic.updateAttributes();
            c[2] += nic.getBytesRecv();
            c[3] += nic.getBytesSent();
        }
        return c;
    }
}
