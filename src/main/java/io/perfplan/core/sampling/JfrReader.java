package io.perfplan.core.sampling;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a JFR recording file into a {@link JfrSummary}. */
public final class JfrReader {

    private static final int TOP = 10;

    private JfrReader() {}

    /**
     * Summarizes the recording.
     *
     * @throws IOException when the file is missing or is not a JFR recording
     */
    public static JfrSummary read(Path recording) throws IOException {
        if (!Files.isRegularFile(recording) || Files.size(recording) == 0) {
            throw new IOException("No flight recording was written to " + recording
                    + "; the JVM may have been killed before it could write it, or JFR is disabled in it.");
        }
        Map<String, Long> topFrames = new HashMap<>();
        Map<String, long[]> monitors = new HashMap<>();
        long samples = 0;
        long gcCount = 0;
        Duration pauseTotal = Duration.ZERO;
        Duration pauseMax = Duration.ZERO;
        Duration blocked = Duration.ZERO;
        long allocated = 0;
        Instant first = null;
        Instant last = null;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                Instant t = e.getStartTime();
                first = first == null || t.isBefore(first) ? t : first;
                last = last == null || e.getEndTime().isAfter(last) ? e.getEndTime() : last;
                switch (e.getEventType().getName()) {
                    case "jdk.ExecutionSample" -> {
                        samples++;
                        RecordedStackTrace stack = e.getStackTrace();
                        if (stack != null && !stack.getFrames().isEmpty()) {
                            RecordedFrame top = stack.getFrames().get(0);
                            String name = top.getMethod().getType().getName() + "." + top.getMethod().getName();
                            topFrames.merge(name, 1L, Long::sum);
                        }
                    }
                    case "jdk.GarbageCollection" -> {
                        gcCount++;
                        Duration sum = e.getDuration("sumOfPauses");
                        Duration longest = e.getDuration("longestPause");
                        pauseTotal = pauseTotal.plus(sum);
                        pauseMax = longest.compareTo(pauseMax) > 0 ? longest : pauseMax;
                    }
                    case "jdk.ObjectAllocationSample" -> allocated += e.getLong("weight");
                    case "jdk.JavaMonitorEnter" -> {
                        String monitor = e.getClass("monitorClass") == null ? "?" : e.getClass("monitorClass").getName();
                        long[] agg = monitors.computeIfAbsent(monitor, k -> new long[2]);
                        agg[0]++;
                        agg[1] += e.getDuration().toNanos();
                        blocked = blocked.plus(e.getDuration());
                    }
                    default -> { }
                }
            }
        }
        Duration span = first == null ? Duration.ZERO : Duration.between(first, last);
        long totalSamples = samples;
        List<JfrSummary.HotMethod> hot = topFrames.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP)
                .map(en -> new JfrSummary.HotMethod(en.getKey(), en.getValue(), 100.0 * en.getValue() / totalSamples))
                .toList();
        List<JfrSummary.ContendedMonitor> contended = new ArrayList<>();
        monitors.forEach((k, v) -> contended.add(new JfrSummary.ContendedMonitor(k, v[0], Duration.ofNanos(v[1]))));
        contended.sort(Comparator.comparing(JfrSummary.ContendedMonitor::blocked).reversed());
        double seconds = span.toNanos() / 1e9;
        return new JfrSummary(hot, samples, pauseTotal, pauseMax, gcCount, seconds > 0 ? allocated / seconds : 0,
                contended.subList(0, Math.min(TOP, contended.size())), blocked, span);
    }
}
