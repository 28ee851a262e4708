package io.perfplan.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detached service processes: their own session, output to a log file, TERM then KILL after the grace period. */
class ServiceProcessTest {

    @TempDir
    Path dir;

    private final List<ServiceProcess> started = new ArrayList<>();

    @AfterEach
    void end() {
        started.forEach(p -> p.stop(Duration.ofMillis(100)));
    }

    private ServiceProcess start(String shell) throws IOException {
        ServiceProcess p = ServiceProcess.start(new ServiceProcess.Launch(List.of("sh", "-c", shell), dir, Map.of("GREETING", "hello"),
                dir.resolve("logs/svc.log")));
        started.add(p);
        return p;
    }

    private static long session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[3]); // state ppid pgrp session
    }

    @Test
    void runsInItsOwnSessionAndWritesItsOutputToTheLog() throws Exception {
        ServiceProcess p = start("echo \"$GREETING from $$\"; exec sleep 30");
        assertThat(p.isAlive()).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (p.logTail(5).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(p.logTail(5)).isEqualTo("hello from " + p.pid());
        // read after its first output: by then setsid has made the session and exec'd the shell
        assertThat(session(p.pid())).as("a session of its own").isEqualTo(p.pid()).isNotEqualTo(session(ProcessHandle.current().pid()));
        assertThat(p.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(p.isAlive()).isFalse();
        assertThat(p.stop(Duration.ofSeconds(5))).as("stopping a stopped process says so").isFalse();
    }

    @Test
    void aProcessIgnoringTermIsKilledAfterTheGracePeriod() throws Exception {
        ServiceProcess p = start("trap '' TERM; echo ready; while true; do sleep 0.1; done");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!p.logTail(1).equals("ready") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long t0 = System.nanoTime();
        assertThat(p.stop(Duration.ofMillis(700))).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(p.isAlive()).isFalse();
        assertThat(took).as("TERM was ignored, so KILL came after the grace").isGreaterThanOrEqualTo(Duration.ofMillis(650));
    }

    @Test
    void aReusedPidIsNotTakenForTheService() throws Exception {
        ServiceProcess p = start("exec sleep 30");
        ServiceProcess sameP = new ServiceProcess(p.pid(), p.startedAtMillis() - 60_000, p.logFile());
        assertThat(sameP.isAlive()).as("a different start time is a different process").isFalse();
        assertThat(sameP.stop(Duration.ofMillis(100))).isFalse();
        assertThat(p.isAlive()).isTrue();
    }

    @Test
    void aMissingProgramIsAClearError() {
        assertThatThrownBy(() -> ServiceProcess.start(new ServiceProcess.Launch(List.of("no-such-program-xyz"), dir, Map.of(),
                dir.resolve("logs/x.log")))).isInstanceOf(IOException.class).hasMessageStartingWith("cannot start no-such-program-xyz: ");
    }
}
