package io.perfplan.core.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Log files of every supported format, written here, aggregated with exact counts. */
class LogAggregationTest {

    @TempDir
    Path dir;

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final DateTimeFormatter LOGBACK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(UTC);
    private static final DateTimeFormatter ACCESS = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(UTC);

    private LogSummary aggregate(String file, LogFormat format, Instant from, Instant to) throws IOException {
        LogAggregator agg = new LogAggregator(from, to, 5);
        new LogFollower(dir, List.of(file), format, UTC).poll(agg);
        return agg.summary();
    }

    @Test
    void countsLogbackLinesPerLevelAndMasksIdsInTopErrors() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            Instant t = T0.plusSeconds(i);
            String level = i % 10 == 0 ? "ERROR" : i % 4 == 0 ? "WARN" : "INFO";
            String msg = level.equals("ERROR") ? "order " + (1000 + i) + " failed for user " + UUID.randomUUID()
                    : "request " + i + " served in " + i + " ms";
            lines.add(LOGBACK.format(t) + " [http-nio-8080-exec-" + i % 3 + "] " + String.format("%-5s", level) + " c.e.Checkout - " + msg);
            if (level.equals("ERROR")) {
                lines.add("java.lang.IllegalStateException: boom " + i);
                lines.add("\tat com.example.Checkout.pay(Checkout.java:42)");
            }
        }
        lines.add("garbage before nothing");
        Files.write(dir.resolve("app.log"), lines);

        LogSummary s = aggregate("app.log", LogFormat.AUTO, T0, T0.plusSeconds(120));
        assertThat(s.lines()).isEqualTo(120);
        // i % 10 == 0: 12 errors; i % 4 == 0 but not % 10: 30 - 6 = 24 warnings
        assertThat(s.levels()).isEqualTo(Map.of("ERROR", 12L, "WARN", 24L, "INFO", 84L));
        assertThat(s.errors()).isEqualTo(12);
        assertThat(s.unparsed()).isZero(); // stack traces and the trailing line follow parsed lines
        assertThat(s.errorsPerMinute()).containsExactly(6, 6);
        assertThat(s.topErrors()).hasSize(1);
        assertThat(s.topErrors().get(0).message()).isEqualTo("order <n> failed for user <uuid>");
        assertThat(s.topErrors().get(0).count()).isEqualTo(12);
        assertThat(s.topMessages().get(0).message()).isEqualTo("request <n> served in <n> ms");
        assertThat(s.topMessages().get(0).count()).isEqualTo(84); // counted per level: the WARN lines are the second entry
        assertThat(s.topMessages().get(1).count()).isEqualTo(24);
        assertThat(s.errorPercent()).isEqualTo(10.0);
    }

    @Test
    void onlyLinesInsideTheWindowCount() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            lines.add(LOGBACK.format(T0.plusSeconds(i)) + " ERROR c.e.Job - tick " + i);
        }
        Files.write(dir.resolve("w.log"), lines);
        LogSummary s = aggregate("w.log", LogFormat.PATTERN, T0.plusSeconds(10), T0.plusSeconds(20));
        assertThat(s.lines()).isEqualTo(10); // 10..19, the end is exclusive
        assertThat(s.outsideWindow()).isEqualTo(50);
        assertThat(s.errors()).isEqualTo(10);
    }

    @Test
    void readsLog4jPatternWithCommaMillisAndLevelFirst() throws IOException {
        Files.write(dir.resolve("l4j.log"), List.of(
                "2026-03-01T10:00:01,250 INFO  [main] com.example.App: started in 812 ms",
                "2026-03-01T10:00:02,000 WARN  [pool-1] com.example.Cache: eviction of 0x7f3a9c21 slow",
                "2026-03-01T10:00:03,000 FATAL [main] com.example.App: out of memory"));
        LogSummary s = aggregate("l4j.log", LogFormat.PATTERN, T0, T0.plusSeconds(60));
        assertThat(s.levels()).isEqualTo(Map.of("INFO", 1L, "WARN", 1L, "FATAL", 1L));
        assertThat(s.topErrors()).extracting(LogSummary.MessageCount::message).containsExactly("out of memory");
        assertThat(s.topMessages()).extracting(LogSummary.MessageCount::message).contains("eviction of <hex> slow", "started in <n> ms");
    }

    @Test
    void readsJsonLinesWithEitherTimestampStyle() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String ts = i % 2 == 0 ? "\"@timestamp\":\"" + T0.plusSeconds(i) + "\"" : "\"ts\":" + T0.plusSeconds(i).toEpochMilli();
            String level = i < 5 ? "error" : "info";
            lines.add("{" + ts + ",\"level\":\"" + level + "\",\"logger\":\"x\",\"message\":\"payment " + i + " done\"}");
        }
        lines.add("{\"@timestamp\":\"" + T0.plusSeconds(3600) + "\",\"level\":\"ERROR\",\"message\":\"later\"}");
        Files.write(dir.resolve("app.json"), lines);
        assertThat(LogFormat.detect(lines)).isEqualTo(LogFormat.JSON);
        LogSummary s = aggregate("app.json", LogFormat.AUTO, T0, T0.plusSeconds(60));
        assertThat(s.lines()).isEqualTo(30);
        assertThat(s.outsideWindow()).isEqualTo(1);
        assertThat(s.levels()).isEqualTo(Map.of("ERROR", 5L, "INFO", 25L));
        assertThat(s.topErrors().get(0)).isEqualTo(new LogSummary.MessageCount("payment <n> done", "ERROR", 5));
    }

    @Test
    void readsNginxAccessLogsWithStatusClassesAndRequestTimes() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            int status = i <= 3 ? 503 : i <= 10 ? 404 : 200;
            // request time i ms, nginx style: seconds with a fraction
            lines.add(String.format(Locale.ROOT, "127.0.0.1 - - [%s] \"GET /api/orders/%d?x=1 HTTP/1.1\" %d 512 \"-\" \"curl/8\" %.3f",
                    ACCESS.format(T0.plusSeconds(i)), i, status, i / 1000.0));
        }
        Files.write(dir.resolve("access.log"), lines);
        LogSummary s = aggregate("access.log", LogFormat.AUTO, T0, T0.plusSeconds(300));
        assertThat(s.lines()).isEqualTo(100);
        assertThat(s.statusClasses()).isEqualTo(Map.of("2xx", 90L, "4xx", 7L, "5xx", 3L));
        assertThat(s.errors()).isEqualTo(3);
        assertThat(s.latencyMillis().get("p50")).isEqualTo(50.0);
        assertThat(s.latencyMillis().get("p99")).isEqualTo(99.0);
        assertThat(s.latencyMillis().get("max")).isEqualTo(100.0);
        assertThat(s.topErrors().get(0)).isEqualTo(new LogSummary.MessageCount("GET /api/orders/<n>", "ERROR", 3));
    }

    @Test
    void readsApacheCombinedLogsWithMicrosecondTimes() throws IOException {
        Files.write(dir.resolve("apache.log"), List.of(
                "10.0.0.1 - alice [" + ACCESS.format(T0) + "] \"POST /login HTTP/1.1\" 302 0 \"-\" \"Mozilla/5.0\" 1500",
                "10.0.0.2 - - [" + ACCESS.format(T0.plusSeconds(1)) + "] \"GET / HTTP/1.1\" 500 10 \"-\" \"Mozilla/5.0\" 250000"));
        LogSummary s = aggregate("apache.log", LogFormat.ACCESS, T0, T0.plusSeconds(60));
        assertThat(s.statusClasses()).isEqualTo(Map.of("3xx", 1L, "5xx", 1L));
        assertThat(s.latencyMillis().get("max")).isEqualTo(250.0);
        assertThat(s.latencyMillis().get("p50")).isEqualTo(1.5);
    }

    @Test
    void followsAppendedLinesAndGlobs() throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        Path a = dir.resolve("logs/a.log");
        Files.write(a, List.of(LOGBACK.format(T0) + " ERROR x - one"));
        LogAggregator agg = new LogAggregator(T0, T0.plusSeconds(60), 5);
        LogFollower follower = new LogFollower(dir, List.of("logs/*.log"), LogFormat.AUTO, UTC);
        follower.poll(agg);
        assertThat(agg.errors()).isEqualTo(1);
        Files.writeString(a, LOGBACK.format(T0.plusSeconds(1)) + " ERROR x - two\n" + LOGBACK.format(T0.plusSeconds(2)) + " ERROR x - thr",
                StandardOpenOption.APPEND);
        Files.write(dir.resolve("logs/b.log"), List.of(LOGBACK.format(T0.plusSeconds(3)) + " INFO x - b"));
        follower.poll(agg);
        assertThat(agg.errors()).isEqualTo(2); // the unfinished last line waits for its newline
        assertThat(agg.lines()).isEqualTo(3);
        Files.writeString(a, "ee\n", StandardOpenOption.APPEND);
        follower.poll(agg);
        assertThat(agg.errors()).isEqualTo(3);
        assertThat(follower.files()).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder("a.log", "b.log");
    }

    @Test
    void masksNumbersHexIdsAndUuids() {
        assertThat(MessageTemplate.of("user42 paid 12.50 EUR for order 9f8e7d6c5b4a and 123e4567-e89b-12d3-a456-426614174000"))
                .isEqualTo("user42 paid <n> EUR for order <hex> and <uuid>");
    }
}
