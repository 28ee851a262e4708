package io.perfplan.core.sampling;

import io.perfplan.core.sampling.fixtures.HoldMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandRunnerTest {

    private final CommandRunner runner = new CommandRunner();

    @Test
    void capturesOutputExitCodeCwdAndEnvironment(@TempDir Path dir) throws Exception {
        CommandResult r = runner.run(CommandSpec.shell("echo out-$GREETING; pwd; echo err >&2; exit 3")
                .withCwd(dir).withEnv(Map.of("GREETING", "hello")));

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("out-hello\n" + dir.toRealPath() + "\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.stdoutTruncated()).isFalse();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.wall()).isPositive();
    }

    @Test
    void aFinishedCommandLeavesNoTimeoutBehind() throws Exception {
        // a step without a timeout gets one at the end of time; serve runs thousands of commands an hour
        int before = CommandRunner.pendingTimeouts();
        for (int i = 0; i < 5; i++) {
            assertThat(runner.run(CommandSpec.of("true").withTimeout(Duration.ofDays(365))).exitCode()).isZero();
        }
        assertThat(CommandRunner.pendingTimeouts()).isLessThanOrEqualTo(before);
    }

    @Test
    void keepsOnlyTheCaptureLimitAndSaysSo() throws Exception {
        CommandSpec spec = new CommandSpec(List.of("sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x"), null, null, null, 1000);
        CommandResult r = runner.run(spec);

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).hasSize(1000);
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stderrTruncated()).isFalse();
    }

    @Test
    void countsCpuOfGrandchildren() throws Exception {
        // The busy loop runs in a grandchild (a subshell of a subshell), not in the direct child.
        CommandResult r = runner.run(CommandSpec.shell(
                "( ( i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done ) ; true ); true"));

        assertThat(r.exitCode()).isZero();
        assertThat(r.cpu()).isGreaterThan(Duration.ofMillis(50));
    }

    @Test
    void reportsPeakRssOfEachRunSeparately() throws Exception {
        CommandResult big = runner.run(CommandSpec.of(JavaPrograms.command(HoldMemory.class,
                List.of("-Xms64m", "-Xmx400m", "-XX:+UseSerialGC"), "200").toArray(String[]::new)));
        CommandResult small = runner.run(CommandSpec.of("sleep", "0.05"));

        assertThat(big.exitCode()).as(big.stderr()).isZero();
        assertThat(big.peakRssBytes()).isGreaterThanOrEqualTo(200L << 20);
        if (CommandRunner.measuresPeakRssExactly()) {
            assertThat(small.peakRssBytes()).isPositive().isLessThan(50L << 20);
        } else {
            assertThat(small.peakRssBytes()).isEqualTo(-1);
        }
    }

    @Test
    void timeoutKillsTheWholeProcessTree(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("survivor");
        long before = System.nanoTime();
        CommandResult r = runner.run(CommandSpec.shell("(sleep 1; touch " + marker + ") & sleep 20")
                .withTimeout(Duration.ofMillis(300)));
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(128 + 9);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        Thread.sleep(1300);
        assertThat(marker).doesNotExist();
    }

    @Test
    void destroyingTheTrackedProcessEndsTheRun() throws Exception {
        List<Process> tracked = new ArrayList<>();
        Thread killer = new Thread(() -> {
            while (tracked.isEmpty()) {
                Thread.onSpinWait();
            }
            tracked.get(0).destroyForcibly();
        });
        killer.start();
        CommandResult r = runner.run(CommandSpec.of("sleep", "20"), p -> {
            synchronized (tracked) {
                tracked.add(p);
            }
        });
        killer.join(5000);

        assertThat(r.exitCode()).isEqualTo(128 + 9);
        assertThat(r.wall()).isLessThan(Duration.ofSeconds(10));
        assertThat(tracked.get(0).isAlive()).isFalse();
        assertThat(tracked.get(0).exitValue()).isEqualTo(137);
    }

    @Test
    void missingProgramIsAClearError() {
        assertThatThrownBy(() -> runner.run(CommandSpec.of("no-such-program-xyz", "--help")))
                .isInstanceOf(CommandLaunchException.class)
                .hasMessage("Command 'no-such-program-xyz' was not found on the PATH; check the spelling, install it, or give its full path.");
        assertThatThrownBy(() -> runner.run(CommandSpec.of("./nope.sh")))
                .isInstanceOf(CommandLaunchException.class).hasMessageContaining("does not exist");
    }

    @Test
    void pathLookupSkipsMissingFoldersDirectoriesAndFilesThatCannotRun(@TempDir Path dir) throws Exception {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        Files.writeString(plain.resolve("tool"), "not executable\n");
        Files.createDirectories(dir.resolve("folder").resolve("tool"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("tool"), "#!/bin/sh\necho picked\n");
        tool.toFile().setExecutable(true);
        String path = String.join(":", dir.resolve("missing").toString(), plain.toString(), dir.resolve("folder").toString(), "bin");

        assertThat(CommandRunner.resolveProgram("tool", dir, path)).isEqualTo(tool.toString());
        assertThatThrownBy(() -> CommandRunner.resolveProgram("tool", dir, String.join(":", dir.resolve("missing").toString(), plain.toString())))
                .isInstanceOf(CommandLaunchException.class).hasMessageContaining("was not found on the PATH");
        assertThat(runner.run(CommandSpec.of("tool").withCwd(dir).withEnv(Map.of("PATH", path + ":/usr/bin:/bin"))).stdout())
                .isEqualTo("picked\n");
    }

    @Test
    void missingWorkingDirectoryIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> runner.run(CommandSpec.of("true").withCwd(dir.resolve("gone"))))
                .isInstanceOf(CommandLaunchException.class)
                .hasMessageContaining("does not exist; create it or fix the cwd");
    }

    @Test
    void programWithoutExecutePermissionIsAClearError(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        assertThatThrownBy(() -> runner.run(CommandSpec.of(script.toString())))
                .isInstanceOf(CommandLaunchException.class)
                .hasMessageContaining("chmod +x");
    }

    @Test
    void withoutTheForkReporterRunsDirectlyAndHidesTheInheritedPeak() throws Exception {
        System.setProperty("perfplan.sampling.direct", "true");
        try {
            CommandResult r = runner.run(CommandSpec.shell("echo direct; i=0; while [ $i -lt 50000 ]; do i=$((i+1)); done; exit 5"));

            assertThat(r.exitCode()).isEqualTo(5);
            assertThat(r.stdout()).isEqualTo("direct\n");
            assertThat(r.cpu()).isPositive();
            // A small shell inherits this JVM's high-water mark, so its own peak cannot be known.
            assertThat(r.peakRssBytes()).isEqualTo(-1);
        } finally {
            System.clearProperty("perfplan.sampling.direct");
        }
    }

    @Test
    void directRunnerStartsTheCommandItselfAndMeasuresTimeAndCpu() throws Exception {
        CommandResult r = CommandRunner.direct().run(CommandSpec.shell(
                "echo parent=$PPID; i=0; while [ $i -lt 50000 ]; do i=$((i+1)); done; exit 4"));

        assertThat(r.exitCode()).isEqualTo(4);
        // no perl in between: the shell's parent is this JVM
        assertThat(r.stdout()).isEqualTo("parent=" + ProcessHandle.current().pid() + "\n");
        assertThat(r.cpu()).isPositive();
        assertThat(r.wall()).isGreaterThanOrEqualTo(r.cpu().dividedBy(2));
    }

    @Test
    void flightRecordingOptionGoesAfterJavaOrIntoJdkJavaOptions() {
        Path file = Path.of("/tmp/x.jfr");
        CommandSpec java = JfrRecording.launchedWith(CommandSpec.of("/usr/bin/java", "-cp", "a.jar", "Main"), file);
        assertThat(java.argv()).containsExactly("/usr/bin/java",
                "-XX:StartFlightRecording=filename=/tmp/x.jfr,settings=profile,dumponexit=true", "-cp", "a.jar", "Main");

        CommandSpec script = JfrRecording.launchedWith(CommandSpec.shell("./run-app.sh"), file);
        assertThat(script.argv()).containsExactly("sh", "-c", "./run-app.sh");
        assertThat(script.env().get("JDK_JAVA_OPTIONS")).endsWith("-XX:StartFlightRecording=filename=/tmp/x.jfr,settings=profile,dumponexit=true");
    }
}
