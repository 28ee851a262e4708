package io.perfplan.actions.profile;

import io.perfplan.core.sampling.JavaPrograms;
import io.perfplan.core.sampling.fixtures.HoldMemory;
import io.perfplan.core.sampling.fixtures.HotLoop;
import io.perfplan.engine.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileActionTest {

    @TempDir
    Path dir;

    private final ProfileAction action = new ProfileAction();

    private static ProfileInputs command(List<String> argv, boolean shell, int runs, int warmup, boolean jfr) {
        return new ProfileInputs(argv, shell, runs, warmup, null, null, null, null, null,
                null, null, null, null, null, null, jfr);
    }

    private static ProfileInputs attachPid(long pid, Duration duration) {
        return new ProfileInputs(null, null, null, null, null, null, null, null, null,
                pid, null, null, null, Duration.ofMillis(100), duration, null);
    }

    @Test
    void cpuBurnerIsCpuBound() throws Exception {
        RecordingStepContext ctx = new RecordingStepContext(dir);
        Outcome outcome = action.execute(command(List.of("i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done"),
                true, 3, 1, false), ctx);

        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(ctx.outputs.get("bottleneck")).isEqualTo("cpu-bound");
        assertThat(ctx.samples.get("wall")).hasSize(3);
        assertThat(ctx.metric("wall.mean")).isGreaterThan(10);
        assertThat(ctx.metric("wall.min")).isLessThanOrEqualTo(ctx.metric("wall.median"));
        assertThat(ctx.metric("wall.median")).isLessThanOrEqualTo(ctx.metric("wall.max"));
        assertThat(ctx.metric("cpu.user")).isGreaterThan(5);
        assertThat(ctx.metric("cpu.percent.mean")).isGreaterThan(5);
        assertThat((List<?>) ctx.outputs.get("runs")).hasSize(3);
        assertThat((List<?>) ctx.outputs.get("recommendations")).isNotEmpty();
        assertThat(ctx.tracked).hasSize(4);
    }

    @Test
    void sleeperIsWaiting() throws Exception {
        RecordingStepContext ctx = new RecordingStepContext(dir);
        Outcome outcome = action.execute(command(List.of("sleep", "0.3"), false, 2, 0, false), ctx);

        assertThat(outcome.passed()).isTrue();
        assertThat(ctx.outputs.get("bottleneck")).isEqualTo("waiting");
        assertThat(ctx.metric("wall.mean")).isBetween(250.0, 3000.0);
        if (io.perfplan.core.sampling.CommandRunner.measuresPeakRssExactly()) {
            assertThat(ctx.metric("rss.peak")).isLessThan(50e6);
        }
    }

    @Test
    void programHolding200MegabytesReportsRssPeak() throws Exception {
        RecordingStepContext ctx = new RecordingStepContext(dir);
        Outcome outcome = action.execute(command(JavaPrograms.command(HoldMemory.class,
                List.of("-Xmx400m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), "200"), false, 1, 0, false), ctx);

        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(ctx.metric("rss.peak")).isGreaterThanOrEqualTo(200.0 * 1024 * 1024);
    }

    @Test
    void jfrFindsTheKnownHotMethod() throws Exception {
        RecordingStepContext ctx = new RecordingStepContext(dir);
        Outcome outcome = action.execute(command(JavaPrograms.command(HotLoop.class, List.of(), "1200"),
                false, 1, 0, true), ctx);

        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        List<?> hot = (List<?>) ctx.outputs.get("hot_methods");
        assertThat(hot.stream().limit(3).map(m -> String.valueOf(((Map<?, ?>) m).get("method"))).toList())
                .contains(HotLoop.class.getName() + ".spinHot");
        assertThat(ctx.metrics).containsKeys("gc.pause.total", "gc.pause.max");
    }

    @Test
    void jfrOnACommandThatIsNoJvmIsAClearStepFailure() throws Exception {
        Outcome outcome = action.execute(command(List.of("true"), false, 1, 0, true), new RecordingStepContext(dir));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).isEqualTo("jfr is on but the command started no JVM that wrote a flight recording; "
                + "use jfr only with a java command (or a script that runs java).");
    }

    @Test
    void missingCommandIsAClearStepFailure() throws Exception {
        Outcome outcome = action.execute(command(List.of("no-such-tool-42", "--fast"), false, 3, 1, false),
                new RecordingStepContext(dir));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message())
                .isEqualTo("Command 'no-such-tool-42' was not found on the PATH; check the spelling, install it, or give its full path.");
    }

    @Test
    void failingCommandFailsTheStepWithItsExitCodeAndOutput() throws Exception {
        Outcome outcome = action.execute(command(List.of("echo broken config >&2; exit 4"), true, 3, 1, false),
                new RecordingStepContext(dir));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).contains("Warm-up run 1", "exited with code 4", "broken config");
    }

    @Test
    void processThatExitsDuringAttachEndsSamplingCleanly() throws Exception {
        Process child = new ProcessBuilder("sleep", "0.6").start();
        RecordingStepContext ctx = new RecordingStepContext(dir);
        long start = System.nanoTime();
        Outcome outcome = action.execute(attachPid(child.pid(), Duration.ofSeconds(10)), ctx);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat((String) ctx.outputs.get("note")).contains("exited", "sampling ended early");
        assertThat(ctx.samples.get("rss")).isNotEmpty();
        assertThat(ctx.outputs.get("bottleneck")).isEqualTo("waiting");
    }

    @Test
    void attachedCpuBurnerIsCpuBound() throws Exception {
        Process child = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 3000000 ]; do i=$((i+1)); done").start();
        try {
            RecordingStepContext ctx = new RecordingStepContext(dir);
            Outcome outcome = action.execute(attachPid(child.pid(), Duration.ofMillis(1200)), ctx);

            assertThat(outcome.passed()).as(outcome.message()).isTrue();
            assertThat(ctx.outputs.get("bottleneck")).isEqualTo("cpu-bound");
            assertThat(ctx.metric("cpu.percent.mean")).isGreaterThan(5);
            assertThat(ctx.metric("threads.max")).isEqualTo(1);
            assertThat(ctx.samples.get("cpu.percent").length).isBetween(8, 13);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void steadilyGrowingProcessIsMemoryGrowth() throws Exception {
        Process child = new ProcessBuilder(JavaPrograms.command(io.perfplan.core.sampling.fixtures.Grow.class,
                List.of("-Xms16m", "-Xmx600m", "-XX:+UseSerialGC"))).start();
        try {
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream())).readLine()).isEqualTo("started");
            RecordingStepContext ctx = new RecordingStepContext(dir);
            Outcome outcome = action.execute(attachPid(child.pid(), Duration.ofMillis(1500)), ctx);

            assertThat(outcome.passed()).as(outcome.message()).isTrue();
            assertThat(ctx.outputs.get("bottleneck")).as((String) ctx.outputs.get("evidence")).isEqualTo("memory-growth");
            double[] rss = ctx.samples.get("rss");
            assertThat(rss[rss.length - 1] - rss[0]).isGreaterThan(16 << 20);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void systemSamplingReportsMachineMetrics() throws Exception {
        RecordingStepContext ctx = new RecordingStepContext(dir);
        ProfileInputs in = new ProfileInputs(null, null, null, null, null, null, null, null, null,
                null, null, null, true, Duration.ofMillis(100), Duration.ofMillis(500), null);
        Outcome outcome = action.execute(in, ctx);

        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(ctx.metric("cpu.percent.mean")).isBetween(0.0, 100.0);
        assertThat(ctx.metric("memory.used.max")).isPositive();
        assertThat(ctx.samples.get("cpu.percent")).hasSizeBetween(3, 5);
        assertThat(ctx.outputs).containsKey("bottleneck");
    }

    @Test
    void unknownPidAndServiceAreClearFailures() throws Exception {
        Outcome noPid = action.execute(attachPid(Integer.MAX_VALUE - 7, Duration.ofSeconds(1)), new RecordingStepContext(dir));
        assertThat(noPid.passed()).isFalse();
        assertThat(noPid.message()).startsWith("No process with pid " + (Integer.MAX_VALUE - 7) + " is running");

        ProfileInputs service = new ProfileInputs(null, null, null, null, null, null, null, null, null,
                null, null, "checkout", null, null, null, null);
        Outcome noResolver = action.execute(service, new RecordingStepContext(dir));
        assertThat(noResolver.passed()).isFalse();
        assertThat(noResolver.message()).contains("resolved by the deploy feature", "use pid: or process:");
    }

    @Test
    void badInputsAreRejectedWithOneSentence() {
        assertThatThrownBy(() -> new ProfileInputs(List.of("true"), null, null, null, null, null, null, null, null,
                42L, null, null, null, null, null, null))
                .hasMessage("profile takes one target but got command, pid; keep only one of them.");
        assertThatThrownBy(() -> new ProfileInputs(null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null))
                .hasMessageStartingWith("profile needs a target");
        assertThatThrownBy(() -> command(List.of("sleep 1"), false, 1, 0, false))
                .hasMessageContaining("write it as a list (e.g. [sleep, 1]) or set shell: true");
        assertThatThrownBy(() -> command(List.of("true"), false, 0, 0, false))
                .hasMessage("runs must be at least 1, not 0.");
    }

    @Test
    void describesWhatItWouldDo() {
        assertThat(action.describe(command(List.of("sleep", "1"), false, 5, 2, true)))
                .contains("would run 'sleep 1' 2 warm-up and 5 measured time(s), plus one run with a flight recording");
        assertThat(action.spec().name()).isEqualTo("profile");
    }

    @Test
    void processRegexFindsTheProcessByCommandLine() throws Exception {
        Process child = new ProcessBuilder("sleep", "7.317").start();
        try {
            RecordingStepContext ctx = new RecordingStepContext(dir);
            ProfileInputs in = new ProfileInputs(null, null, null, null, null, null, null, null, null,
                    null, "sleep 7\\.317", null, null, Duration.ofMillis(100), Duration.ofMillis(300), null);
            Outcome outcome = action.execute(in, ctx);

            assertThat(outcome.passed()).as(outcome.message()).isTrue();
            assertThat(ctx.outputs.get("pids")).isEqualTo(List.of((int) child.pid()));
            assertThat(ctx.metric("rss.peak")).isPositive();
        } finally {
            child.destroyForcibly();
        }
        ProfileInputs none = new ProfileInputs(null, null, null, null, null, null, null, null, null,
                null, "no-such-process-[0-9]{9}", null, null, null, Duration.ofMillis(300), null);
        Outcome missing = action.execute(none, new RecordingStepContext(dir));
        assertThat(missing.passed()).isFalse();
        assertThat(missing.message()).startsWith("No running process matches 'no-such-process-[0-9]{9}'");
    }
}
