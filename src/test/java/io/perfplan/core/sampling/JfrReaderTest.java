package io.perfplan.core.sampling;

import io.perfplan.core.sampling.fixtures.Contended;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JfrReaderTest {

    @Test
    void findsTheContendedMonitorAllocationAndGc(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("contended.jfr");
        CommandSpec command = CommandSpec.of(JavaPrograms.command(Contended.class,
                List.of("-Xmx32m", "-XX:+UseSerialGC"), "1200").toArray(String[]::new));
        CommandResult r = new CommandRunner().run(JfrRecording.launchedWith(command, file));
        assertThat(r.exitCode()).as(r.stderr()).isZero();

        JfrSummary s = JfrReader.read(file);

        assertThat(s.contendedMonitors()).isNotEmpty();
        assertThat(s.contendedMonitors().get(0).monitorClass()).isEqualTo(Contended.class.getName() + "$SharedLedger");
        assertThat(s.monitorBlocked().toMillis()).isGreaterThan(500);
        assertThat(s.gcCount()).isPositive();
        assertThat(s.allocationBytesPerSecond()).isPositive();
        assertThat(s.span().toMillis()).isBetween(500L, 30_000L);
        assertThat(BottleneckClassifier.ofRuns(new BenchmarkResult(List.of(r),
                RunStatistics.of(new double[] {r.wall().toMillis()}, 1), List.of(), -1), s, 2).bottleneck())
                .isEqualTo(Bottleneck.LOCK_CONTENTION);
    }
}
