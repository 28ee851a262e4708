package io.perfplan.core.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Entry point of bench/loadtest-vs-wrk.sh: a closed-model run against a URL, printing one line
 * {@code requests=… throughput=… p50_ms=… p99_ms=… errors=… rss_peak_mb=…} (peak RSS is the
 * process's VmHWM, Linux only). Not a test: the numbers belong to the bench script.
 * Usage: {@code ClosedLoadBench URL CONNECTIONS SECONDS [EVENT_LOOPS] [WARMUP_SECONDS]}; the warm-up
 * (default 0) runs first and is not measured, so the JIT has compiled the hot path.
 */
public final class ClosedLoadBench {

    private ClosedLoadBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ClosedLoadBench URL CONNECTIONS SECONDS [EVENT_LOOPS] [WARMUP_SECONDS]");
            System.exit(2);
        }
        String url = args[0];
        int connections = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        int loops = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        double warmup = args.length > 4 ? Double.parseDouble(args[4]) : 0;
        LoadTest test = LoadTest.of(new LoadModel.Closed(connections, Duration.ZERO, Duration.ofSeconds(seconds)), RequestTemplate.get(url))
                .withEventLoops(loops).withWarmup(Duration.ofMillis(Math.round(warmup * 1000)));
        LoadResult r = LoadRunner.run(test, LoadTest.Hooks.NONE);
        LoadStats t = r.total();
        System.out.printf(Locale.ROOT, "requests=%d throughput=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d transport=%s rss_peak_mb=%.1f%n",
                t.requests(), t.throughputPerSecond(), t.value("latency.p50").orElse(-1), t.value("latency.p99").orElse(-1),
                t.errors(), r.transport(), peakRssMb());
    }

    private static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }
}
