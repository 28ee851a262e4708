package io.perfplan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same migrations and repository against a real PostgreSQL server. `.ci/run` starts one with
 * `.ci/start-postgres.sh` and sets PERFPLAN_TEST_PG_URL; without it (a developer's machine) the test
 * is skipped.
 */
class PostgresStoreTest {

    @Test
    void migratesAndRoundTripsARun() throws Exception {
        String url = System.getenv("PERFPLAN_TEST_PG_URL");
        assumeTrue(url != null && !url.isBlank(), "PERFPLAN_TEST_PG_URL is not set");
        try (Database db = Database.open(url, null, null)) {
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                st.execute("DELETE FROM runs WHERE plan = 'pg-test'");
            }
            RunRepository runs = db.runs();
            long id = runs.startRun("pg-test", "test", "{\"a\":1}", null);
            long step = runs.startStep(id, "load", "exec", 1);
            runs.finishStep(id, step, "load", new RunRepository.StepResult("passed", "{\"stdout\":\"x\"}", null,
                    List.of(new RunRepository.MetricRow("load", "latency.p99", "ms", "lower_is_better", 12.5)),
                    List.of(new RunRepository.SampleRow("load", "wall", "ms", new double[] {1, 2.5, 3})),
                    List.of(new RunRepository.HistogramRow("load", "latency", new byte[] {1, 2, 3}))));
            runs.finishRun(id, "passed", null);
            assertThat(runs.run(id).orElseThrow().status()).isEqualTo("passed");
            assertThat(runs.metrics(id)).singleElement().satisfies(m -> assertThat(m.value()).isEqualTo(12.5));
            assertThat(runs.samples(id)).singleElement().satisfies(s -> assertThat(s.values()).containsExactly(1, 2.5, 3));
            assertThat(runs.history(new RunRepository.Filter("pg-test", null, null, null, 5))).hasSize(1);
        }
        // opening again finds the schema current and keeps the data
        try (Database db = Database.open(url, null, null)) {
            assertThat(db.runs().history(new RunRepository.Filter("pg-test", "passed", null, null, 5))).hasSize(1);
        }
    }
}
