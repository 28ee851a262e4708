package io.perfplan.core.sampling;

import java.time.Duration;
import java.util.List;

/**
 * What a Java Flight Recording says about a JVM: where it spends CPU (top frames of execution
 * samples), how long the garbage collector paused it, how fast it allocates, and which monitors its
 * threads waited for.
 *
 * @param hotMethods              up to 10 methods most often on top of the stack, most frequent first
 * @param executionSamples        execution samples in the recording
 * @param gcPauseTotal            sum of all GC pauses
 * @param gcPauseMax              longest single GC pause
 * @param gcCount                 garbage collections
 * @param allocationBytesPerSecond estimated allocation rate from allocation samples' weights
 * @param contendedMonitors       up to 10 monitor classes by total blocked time, longest first
 * @param monitorBlocked          total time threads were blocked entering monitors (events over the
 *                                recording's threshold, 10 ms with the "profile" settings)
 * @param span                    from the first to the last event of the recording
 */
public record JfrSummary(List<HotMethod> hotMethods, long executionSamples, Duration gcPauseTotal, Duration gcPauseMax,
                         long gcCount, double allocationBytesPerSecond, List<ContendedMonitor> contendedMonitors,
                         Duration monitorBlocked, Duration span) {

    public JfrSummary {
        hotMethods = List.copyOf(hotMethods);
        contendedMonitors = List.copyOf(contendedMonitors);
    }

    /** A method and how often it was the top frame; {@code percent} is of all execution samples. */
    public record HotMethod(String method, long samples, double percent) {}

    /** A monitor class, how many times threads blocked on it, and for how long in total. */
    public record ContendedMonitor(String monitorClass, long count, Duration blocked) {}
}
