package io.perfplan.core.sampling;

import io.perfplan.core.sampling.fixtures.HotLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JfrAttachTest {

    @Test
    void recordsARunningJvmThroughJcmd(@TempDir Path dir) throws Exception {
        Process jvm = new ProcessBuilder(JavaPrograms.command(HotLoop.class, List.of(), "8000")).start();
        try {
            // Attach only once the JVM runs main: before that it cannot answer jcmd.
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(jvm.getInputStream())).readLine()).isEqualTo("started");
            CommandRunner runner = new CommandRunner();
            JfrRecording recording = JfrRecording.attach(runner, jvm.pid(), dir.resolve("attach.jfr"));
            ProcessSamples samples = new ProcessSampler().sample(List.of((int) jvm.pid()), Duration.ofMillis(100),
                    Duration.ofMillis(1500), () -> false);
            JfrSummary summary = JfrReader.read(recording.stop());

            assertThat(summary.executionSamples()).isPositive();
            assertThat(summary.hotMethods().stream().limit(3).map(JfrSummary.HotMethod::method).toList())
                    .contains(HotLoop.class.getName() + ".spinHot");
            assertThat(samples.size()).isBetween(10, 16);
            assertThat(samples.note()).isEmpty();
            assertThat(java.util.Arrays.stream(samples.threads()).max().orElse(0)).isGreaterThan(5);
        } finally {
            jvm.destroyForcibly();
        }
    }

    @Test
    void attachingToANonJvmIsAClearError(@TempDir Path dir) throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "10").start();
        try {
            assertThatThrownBy(() -> JfrRecording.attach(new CommandRunner(), sleeper.pid(), dir.resolve("x.jfr")))
                    .hasMessage("Process " + sleeper.pid() + " is not a JVM (it has no libjvm.so loaded), so it cannot be "
                            + "recorded with jfr; choose the Java process or drop jfr.");
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void missingRecordingIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> JfrReader.read(dir.resolve("none.jfr")))
                .hasMessageContaining("No flight recording was written to");
    }
}
