package io.perfplan.core.sampling;

/**
 * A time series of the whole machine, one element per sample, each over the interval before it.
 * {@code cpuPercent} and {@code iowaitPercent} are shares of all cores (100 = every core busy);
 * rates are in bytes per second, summed over physical disks and non-loopback network interfaces.
 *
 * @param note why sampling ended before its duration, or empty
 */
public record SystemSamples(int logicalCores, long memoryTotalBytes, long[] offsetMillis, double[] cpuPercent,
                            double[] iowaitPercent, double[] loadAverage1m, long[] memoryUsedBytes,
                            double[] diskReadBytesPerSecond, double[] diskWriteBytesPerSecond,
                            double[] networkRxBytesPerSecond, double[] networkTxBytesPerSecond, String note) {

    public SystemSamples {
        note = note == null ? "" : note;
    }

    public int size() {
        return offsetMillis.length;
    }
}
