package io.perfplan.core.sampling;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandBenchmarkTest {

    private final CommandBenchmark benchmark = new CommandBenchmark(new CommandRunner());

    @Test
    void runsPrepareAndCleanupAroundEveryRunIncludingWarmup(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log");
        CommandSpec command = CommandSpec.shell("printf c >> log").withCwd(dir);
        BenchmarkSpec spec = new BenchmarkSpec(command, 2, 1, command.withArgv(List.of("sh", "-c", "printf p >> log")),
                command.withArgv(List.of("sh", "-c", "printf x >> log")), Duration.ZERO, 2);
        List<String> lines = new ArrayList<>();
        List<Process> tracked = new ArrayList<>();

        BenchmarkResult r = benchmark.run(spec, tracked::add, () -> false, lines::add);

        assertThat(Files.readString(log)).isEqualTo("pcxpcxpcx");
        assertThat(r.runs()).hasSize(2);
        assertThat(r.wallMillis().count()).isEqualTo(2);
        assertThat(lines).hasSize(2).allMatch(l -> l.matches("run \\d: .* ms wall, .*"));
        assertThat(tracked).hasSize(9);
    }

    @Test
    void minTimeAddsRunsUntilEnoughTimeWasMeasured() throws Exception {
        BenchmarkSpec spec = new BenchmarkSpec(CommandSpec.of("sleep", "0.05"), 1, 0, null, null, Duration.ofMillis(240), 100);

        BenchmarkResult r = benchmark.run(spec, p -> { }, () -> false, l -> { });

        assertThat(r.runs().size()).isBetween(2, 6);
        assertThat(r.totalWall()).isGreaterThanOrEqualTo(Duration.ofMillis(240));
        assertThat(r.wallMillis().mean()).isBetween(45.0, 1000.0);
    }

    @Test
    void aRunFarSlowerThanTheOthersIsReportedAsAnOutlier(@TempDir Path dir) throws Exception {
        // The fourth measured run sleeps 600 ms, the others 20 ms.
        CommandSpec command = CommandSpec.shell("n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; "
                + "if [ $n -eq 4 ]; then sleep 0.6; else sleep 0.02; fi").withCwd(dir);

        BenchmarkResult r = benchmark.run(BenchmarkSpec.of(command, 7, 0), p -> { }, () -> false, l -> { });

        assertThat(r.wallMillis().outliers()).contains(3);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("statistical outlier", "4"));
    }

    @Test
    void failingPrepareNamesTheRunAndTheCommand() {
        CommandSpec ok = CommandSpec.of("true");
        BenchmarkSpec spec = new BenchmarkSpec(ok, 3, 0, CommandSpec.shell("echo no database >&2; exit 2"), null, null, 3);

        assertThatThrownBy(() -> benchmark.run(spec, p -> { }, () -> false, l -> { }))
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("The prepare command before run 1 of 'sh -c 'echo no database >&2; exit 2'' exited with code 2 "
                        + "(no database); fix the command so it exits with 0.");
    }

    @Test
    void timedOutRunFailsTheBenchmark() {
        BenchmarkSpec spec = BenchmarkSpec.of(CommandSpec.of("sleep", "10").withTimeout(Duration.ofMillis(200)), 2, 0);

        assertThatThrownBy(() -> benchmark.run(spec, p -> { }, () -> false, l -> { }))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("did not finish within 200 ms");
    }
}
