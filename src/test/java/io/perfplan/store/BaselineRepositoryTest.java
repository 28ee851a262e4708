package io.perfplan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Baselines and metric series on an H2 file, and on PostgreSQL when `.ci/run` provides one (PERFPLAN_TEST_PG_URL). */
class BaselineRepositoryTest {

    @TempDir
    Path dir;

    @Test
    void baselinesAndSeriesOnH2() {
        try (Database db = Database.open(Database.defaultUrl(dir), null, null)) {
            exercise(db, "bl-h2");
        }
    }

    @Test
    void baselinesAndSeriesOnPostgres() throws Exception {
        String url = System.getenv("PERFPLAN_TEST_PG_URL");
        assumeTrue(url != null && !url.isBlank(), "PERFPLAN_TEST_PG_URL is not set");
        try (Database db = Database.open(url, null, null)) {
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                st.execute("DELETE FROM baselines WHERE plan = 'bl-pg'");
                st.execute("DELETE FROM runs WHERE plan = 'bl-pg'");
            }
            exercise(db, "bl-pg");
        }
    }

    private static void exercise(Database db, String plan) {
        RunRepository runs = db.runs();
        long[] ids = new long[5];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = runs.startRun(plan, "test", "{}", null);
            long step = runs.startStep(ids[i], "bench", "exec", 1);
            runs.finishStep(ids[i], step, "bench", new RunRepository.StepResult("passed", "{}", null,
                    List.of(new RunRepository.MetricRow("bench", "wall", "ms", "lower_is_better", 100 + i)), List.of(), List.of()));
            runs.finishRun(ids[i], i == 2 ? "failed" : "passed", null);
        }
        HistoryRepository history = runs.metricHistory();
        assertThat(history.series(plan, "bench", "wall", ids[4], List.of("passed"), 10))
                .extracting(HistoryRepository.PointRow::value).containsExactly(100.0, 101.0, 103.0);
        assertThat(history.series(plan, "bench", "wall", Long.MAX_VALUE, List.of(), 2))
                .extracting(HistoryRepository.PointRow::runId).containsExactly(ids[3], ids[4]);
        assertThat(history.series(plan, "bench", "wall", Long.MAX_VALUE, List.of("passed", "failed"), 10)).hasSize(5)
                .allSatisfy(p -> assertThat(p.unit()).isEqualTo("ms"));
        assertThat(history.metricNames(plan)).extracting(HistoryRepository.MetricName::fullName).containsExactly("bench.wall");

        BaselineRepository baselines = runs.baselines();
        String name = plan + "-base";
        assertThat(baselines.find(name)).isEmpty();
        baselines.put(new BaselineRepository.BaselineRow(name, plan, ids[1], false, 20, Instant.now()));
        baselines.put(new BaselineRepository.BaselineRow(name, plan, ids[3], true, null, Instant.now()));
        BaselineRepository.BaselineRow b = baselines.find(name).orElseThrow();
        assertThat(b.runId()).isEqualTo(ids[3]);
        assertThat(b.pinned()).isTrue();
        assertThat(b.windowSize()).isNull();
        assertThat(baselines.all()).extracting(BaselineRepository.BaselineRow::name).contains(name);
        assertThat(baselines.delete(name)).isTrue();
        assertThat(baselines.delete(name)).isFalse();
    }
}
