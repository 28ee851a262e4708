package io.perfplan.core.sampling;

import java.util.List;

/**
 * A time series of one or more processes sampled together (values summed over the processes), one
 * element per sample. Counters ({@code readBytes}, {@code writtenBytes}, {@code contextSwitches}) are
 * cumulative since sampling began; {@code cpuPercent} is over the interval before each sample, where
 * 100 means one core busy (the kernel counts CPU time in 10 ms ticks, so short intervals are coarse).
 * {@code openFiles} is re-counted on every 10th sample (a directory walk) and carried in between.
 *
 * @param pids         the processes sampled
 * @param offsetMillis time of each sample since sampling began
 * @param userCpu      user CPU time the processes used while sampled
 * @param sysCpu       system CPU time the processes used while sampled
 * @param runQueueWait time the processes' threads were runnable but waiting for a CPU while sampled
 *                     (from {@code /proc/PID/task/TID/schedstat}; zero when the kernel does not expose it)
 * @param note         why sampling ended before its duration (e.g. the process exited), or empty
 */
public record ProcessSamples(List<Integer> pids, long[] offsetMillis, double[] cpuPercent, long[] rssBytes,
                             int[] threads, long[] openFiles, long[] readBytes, long[] writtenBytes,
                             long[] contextSwitches, java.time.Duration userCpu, java.time.Duration sysCpu,
                             java.time.Duration runQueueWait, String note) {

    public ProcessSamples {
        pids = List.copyOf(pids);
        note = note == null ? "" : note;
    }

    public int size() {
        return offsetMillis.length;
    }

    /** The sampled span in milliseconds (from the start to the last sample). */
    public long spanMillis() {
        return size() == 0 ? 0 : offsetMillis[size() - 1];
    }
}
