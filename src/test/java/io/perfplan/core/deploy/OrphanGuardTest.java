package io.perfplan.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A guarded command behaves as the command itself: same output, same exit code, same death by a signal. */
class OrphanGuardTest {

    @TempDir
    Path dir;

    private record Ended(int exit, String output) {}

    private Ended run(String... argv) throws Exception {
        Process p = new ProcessBuilder(OrphanGuard.guarded(List.of(argv), dir)).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Ended(p.exitValue(), out);
    }

    @Test
    void passesOutputAndExitCodeThrough() throws Exception {
        assertThat(run("sh", "-c", "echo out; echo err >&2; exit 3")).isEqualTo(new Ended(3, "out\nerr\n"));
        assertThat(run("true").exit()).isZero();
    }

    @Test
    void aCommandKilledByASignalEndsTheSameWay() throws Exception {
        assertThat(run("sh", "-c", "kill -TERM $$").exit()).isEqualTo(128 + 15);
    }

    @Test
    void guardsAFoundProgramAndLeavesAMissingOneToFailAsBefore() {
        List<String> guarded = OrphanGuard.guarded(List.of("sh", "-c", "true"), dir);
        assertThat(guarded.get(0)).endsWith("/perl");
        assertThat(guarded.subList(guarded.size() - 3, guarded.size())).containsExactly("sh", "-c", "true");
        assertThat(OrphanGuard.guarded(List.of("no-such-program-here"), dir)).containsExactly("no-such-program-here");
        assertThat(OrphanGuard.guarded(List.of("./missing.sh"), dir)).containsExactly("./missing.sh");
    }
}
