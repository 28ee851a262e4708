package io.perfplan.core.logs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts log entries that fall inside a window: per level, errors per minute, message templates
 * ({@link MessageTemplate}), and for access logs status classes and request-time percentiles. Holds
 * at most {@value #MAX_TEMPLATES} distinct templates (later new ones are counted under
 * "(other messages)") and at most {@value #MAX_LATENCIES} request times (a uniform reservoir
 * beyond that). Not thread-safe.
 */
public final class LogAggregator {

    static final int MAX_TEMPLATES = 10_000;
    static final int MAX_LATENCIES = 200_000;
    private static final String OTHER = "(other messages)";

    private final Instant from;
    private final Instant to;
    private final int top;
    private long lines;
    private long outside;
    private long unparsed;
    private long errors;
    private final Map<String, Long> levels = new TreeMap<>();
    private final Map<String, long[]> templates = new HashMap<>();
    private final Map<String, String> templateLevel = new HashMap<>();
    private final Map<String, Long> statusClasses = new TreeMap<>();
    private final long[] errorsPerMinute;
    private double[] latencies = new double[1024];
    private int latencyCount;
    private long latencySeen;
    private final java.util.SplittableRandom random = new java.util.SplittableRandom(42);

    /**
     * @param from window start (inclusive)
     * @param to   window end (exclusive); at most a year after {@code from}
     * @param top  how many top messages to keep in the summary
     */
    public LogAggregator(Instant from, Instant to, int top) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("the window ends before it starts");
        }
        this.from = from;
        this.to = to;
        this.top = top;
        long minutes = (to.toEpochMilli() - from.toEpochMilli() + 59_999) / 60_000;
        this.errorsPerMinute = new long[(int) Math.min(Math.max(1, minutes), 527_040)];
    }

    /** Counts one parsed entry (ignored, apart from a tally, when outside the window). */
    public void add(LogEntry e) {
        if (e.timestamp().isBefore(from) || !e.timestamp().isBefore(to)) {
            outside++;
            return;
        }
        lines++;
        levels.merge(e.level(), 1L, Long::sum);
        if (e.isError()) {
            errors++;
            int minute = (int) Math.min(errorsPerMinute.length - 1, (e.timestamp().toEpochMilli() - from.toEpochMilli()) / 60_000);
            errorsPerMinute[minute]++;
        }
        String template = MessageTemplate.of(e.message());
        String key = e.level() + "\u0000" + template;
        long[] count = templates.get(key);
        if (count == null) {
            if (templates.size() >= MAX_TEMPLATES) {
                key = e.level() + "\u0000" + OTHER;
                count = templates.computeIfAbsent(key, k -> new long[1]);
            } else {
                count = new long[1];
                templates.put(key, count);
            }
        }
        count[0]++;
        if (e.status() > 0) {
            statusClasses.merge(e.status() / 100 + "xx", 1L, Long::sum);
        }
        if (!Double.isNaN(e.latencyMillis())) {
            latencySeen++;
            if (latencyCount < MAX_LATENCIES) {
                if (latencyCount == latencies.length) {
                    latencies = Arrays.copyOf(latencies, latencies.length * 2);
                }
                latencies[latencyCount++] = e.latencyMillis();
            } else {
                long j = random.nextLong(latencySeen);
                if (j < MAX_LATENCIES) {
                    latencies[(int) j] = e.latencyMillis();
                }
            }
        }
    }

    /** Counts a line that did not parse. */
    public void unparsed() {
        unparsed++;
    }

    /** Errors counted so far. */
    public long errors() {
        return errors;
    }

    /** Lines inside the window counted so far. */
    public long lines() {
        return lines;
    }

    public LogSummary summary() {
        List<LogSummary.MessageCount> all = new ArrayList<>();
        templates.forEach((k, v) -> {
            int cut = k.indexOf('\u0000');
            all.add(new LogSummary.MessageCount(k.substring(cut + 1), k.substring(0, cut), v[0]));
        });
        Comparator<LogSummary.MessageCount> order = Comparator.comparingLong(LogSummary.MessageCount::count).reversed()
                .thenComparing(LogSummary.MessageCount::message);
        List<LogSummary.MessageCount> topErrors = all.stream().filter(m -> m.level().equals("ERROR") || m.level().equals("FATAL"))
                .sorted(order).limit(top).toList();
        List<LogSummary.MessageCount> topMessages = all.stream().sorted(order).limit(top).toList();
        Map<String, Double> latency = new LinkedHashMap<>();
        if (latencyCount > 0) {
            double[] sorted = Arrays.copyOf(latencies, latencyCount);
            Arrays.sort(sorted);
            latency.put("p50", rank(sorted, 0.50));
            latency.put("p90", rank(sorted, 0.90));
            latency.put("p95", rank(sorted, 0.95));
            latency.put("p99", rank(sorted, 0.99));
            latency.put("max", sorted[sorted.length - 1]);
        }
        long minutes = Math.max(1, (Math.min(to.toEpochMilli(), Math.max(from.toEpochMilli(), System.currentTimeMillis()))
                - from.toEpochMilli() + 59_999) / 60_000);
        return new LogSummary(from, to, lines, outside, unparsed, java.util.Collections.unmodifiableMap(new TreeMap<>(levels)), errors,
                Arrays.copyOf(errorsPerMinute, (int) Math.min(errorsPerMinute.length, minutes)),
                topErrors, topMessages, java.util.Collections.unmodifiableMap(new TreeMap<>(statusClasses)), latency);
    }

    /** Nearest-rank percentile of sorted values. */
    private static double rank(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
