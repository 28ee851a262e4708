package io.perfplan.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trials and undoable changes round-trip on H2, and on PostgreSQL when CI provides one (PERFPLAN_TEST_PG_URL). */
class OptimizationRepositoryTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsTrialsAndChanges() {
        List<String> urls = new ArrayList<>(List.of(Database.defaultUrl(dir)));
        String pg = System.getenv("PERFPLAN_TEST_PG_URL");
        if (pg != null && !pg.isBlank()) {
            urls.add(pg);
        }
        for (String url : urls) {
            try (Database db = Database.open(url, null, null)) {
                long run = db.runs().startRun("opt-repo-test", "test", "{}", null);
                OptimizationRepository repo = db.runs().optimizations();
                repo.saveTrial(new OptimizationRepository.TrialRow(run, "tune", 1, 0, "current", 0, Map.of("x", "1"),
                        new double[] {10.5, 11}, 10.75, null, 30, Instant.now()));
                repo.saveTrial(new OptimizationRepository.TrialRow(run, "tune", 1, 1, "candidate", 0, Map.of("x", "2"),
                        new double[0], null, "exited with code 3", 5, Instant.now()));
                assertThat(repo.trials(run)).hasSize(2).satisfiesExactly(
                        t -> {
                            assertThat(t.samples()).containsExactly(10.5, 11);
                            assertThat(t.objective()).isEqualTo(10.75);
                            assertThat(t.parameters()).containsEntry("x", "1");
                        },
                        t -> {
                            assertThat(t.objective()).isNull();
                            assertThat(t.error()).isEqualTo("exited with code 3");
                        });
                byte[] before = {0, 1, 2, (byte) 0xff};
                long first = repo.saveChange(new OptimizationRepository.ChangeRow(0, run, "opt-repo-test", "tune", "/tmp/a", "json",
                        Map.of("x", "2"), true, before, new byte[] {9}, "applied", Instant.now(), null, null));
                long second = repo.saveChange(new OptimizationRepository.ChangeRow(0, run, "opt-repo-test", "tune", "/tmp/a", "json",
                        Map.of("x", "4"), false, new byte[0], new byte[] {8}, "applied", Instant.now(), null, null));
                assertThat(repo.lastApplied("opt-repo-test", "tune")).get().satisfies(c -> assertThat(c.id()).isEqualTo(second));
                repo.markUndone(second, "gate failed");
                assertThat(repo.lastApplied("opt-repo-test", "tune")).get().satisfies(c -> {
                    assertThat(c.id()).isEqualTo(first);
                    assertThat(c.previousContent()).isEqualTo(before);
                    assertThat(c.previousExisted()).isTrue();
                });
                assertThat(repo.changesOfRun(run)).extracting(OptimizationRepository.ChangeRow::status).containsExactly("applied", "undone");
                repo.markUndone(first, "test done");
                assertThat(repo.lastApplied("opt-repo-test", "tune")).isEmpty();
            }
        }
    }
}
