package io.perfplan.core.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard's script, run as perfplan runs it, with this test as the JVM that dies: a command whose
 * spawn was announced but whose group was never written (the JVM died in between) is found by the
 * token in its environment and ended with the JVM; one whose spawn was resolved and then ended, and
 * a process with another token, are left alone.
 */
class GroupGuardTest {

    private final List<Process> started = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
    }

    private Process sleeper(String token) throws Exception {
        // setsid: its own process group, as posix_spawn gives a command
        ProcessBuilder pb = new ProcessBuilder("setsid", "sleep", "300");
        pb.environment().put(GroupGuard.SPAWN_TOKEN, token);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    @Test
    void aCommandSpawnedInTheInstantBeforeTheJvmDiedIsEndedByItsToken() throws Exception {
        Process guard = new ProcessBuilder("perl", "-e", GroupGuard.SCRIPT).start();
        started.add(guard);
        OutputStream lines = guard.getOutputStream();
        Process orphan = sleeper("4242.1");
        Process stranger = sleeper("4242.17"); // another token, never announced
        lines.write("?4242.1\n".getBytes(StandardCharsets.US_ASCII)); // announced; its group is never written
        lines.flush();
        Thread.sleep(300); // setsid has exec'd sleep, with the token in its environment
        lines.close(); // the JVM is gone

        assertThat(guard.waitFor(10, TimeUnit.SECONDS)).as("the guard finished").isTrue();
        assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).as("the unresolved spawn was ended").isTrue();
        assertThat(stranger.isAlive()).as("a process with a token that was never announced").isTrue();
    }

    @Test
    void aResolvedSpawnIsEndedByItsGroupAndAnEndedOneIsNotLookedFor() throws Exception {
        Process guard = new ProcessBuilder("perl", "-e", GroupGuard.SCRIPT).start();
        started.add(guard);
        OutputStream lines = guard.getOutputStream();
        Process running = sleeper("4343.1");
        Process ended = sleeper("4343.2");
        Thread.sleep(300);
        String script = "?4343.1\n+" + running.pid() + " 4343.1\n?4343.2\n+" + ended.pid() + " 4343.2\n-" + ended.pid() + "\n";
        lines.write(script.getBytes(StandardCharsets.US_ASCII));
        lines.close();

        assertThat(guard.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(running.waitFor(5, TimeUnit.SECONDS)).as("the running command's group was ended").isTrue();
        assertThat(ended.isAlive()).as("a command reported ended is no longer the guard's").isTrue();
    }
}
