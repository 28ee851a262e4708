package io.perfplan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection-side defences of read-only queries, each checked alone with the classifier out of
 * the way: a statement that writes is rolled back on H2 and refused by PostgreSQL's read-only
 * transaction; the row limit cuts and says so; the timeout cancels.
 */
class ReadOnlyQueryTest {

    @TempDir
    Path dir;

    private Database db;

    @BeforeEach
    void seed() {
        db = Database.open(Database.defaultUrl(dir), null, null);
        seedRuns(db, "ro-test", 3);
    }

    @AfterEach
    void close() {
        db.close();
    }

    static void seedRuns(Database db, String plan, int n) {
        RunRepository runs = db.runs();
        for (int i = 0; i < n; i++) {
            long id = runs.startRun(plan, "test", "{}", null);
            long step = runs.startStep(id, "load", "loadtest", 1);
            runs.finishStep(id, step, "load", new RunRepository.StepResult("passed", "{}", null,
                    List.of(new RunRepository.MetricRow("load", "latency.p99", "ms", "lower_is_better", 10 + i)),
                    List.of(new RunRepository.SampleRow("load", "latency.p99", "ms", new double[] {9, 10, 11})), List.of()));
            runs.finishRun(id, "passed", null);
        }
    }

    private long count(String table) throws Exception {
        try (Connection c = db.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void readsRowsWithTheirColumnNames() {
        ReadOnlyQuery.Result r = new ReadOnlyQuery(db).run(
                "SELECT r.id, m.metric_value AS p99 FROM runs r JOIN metrics m ON m.run_id = r.id ORDER BY r.id", 100, Duration.ofSeconds(5));
        assertThat(r.columns()).containsExactly("id", "p99");
        assertThat(r.rows()).hasSize(3);
        assertThat(r.rows().get(2).get(1)).isEqualTo(12.0);
        assertThat(r.truncated()).isFalse();
    }

    @Test
    void cutsAtTheRowLimitAndSaysSo() {
        ReadOnlyQuery.Result r = new ReadOnlyQuery(db).run("SELECT id FROM runs", 2, Duration.ofSeconds(5));
        assertThat(r.rows()).hasSize(2);
        assertThat(r.truncated()).isTrue();
    }

    @Test
    void aSelectThatDeletesIsRolledBackOnH2EvenPastTheClassifier() throws Exception {
        long before = count("metrics");
        // H2's data-change delta table: a SELECT that deletes. The classifier refuses it; this checks the next layer.
        ReadOnlyQuery.Result r = new ReadOnlyQuery(db).execute("SELECT * FROM OLD TABLE (DELETE FROM metrics)", 100, Duration.ofSeconds(5));
        assertThat(r.rows()).hasSize(3);
        assertThat(count("metrics")).isEqualTo(before).isEqualTo(3);
    }

    @Test
    void aPlainWriteIsNotAQueryAndChangesNothing() throws Exception {
        assertThatThrownBy(() -> new ReadOnlyQuery(db).execute("DELETE FROM runs", 100, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("the database refused the query");
        assertThat(count("runs")).isEqualTo(3);
    }

    @Test
    void aLongQueryIsCancelledAtTheTimeout() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> new ReadOnlyQuery(db).run(
                "SELECT SUM(a.X * b.X) FROM SYSTEM_RANGE(1, 200000) a, SYSTEM_RANGE(1, 200000) b", 10, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ran longer than 1s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void postgresRefusesWritesInTheReadOnlyTransaction() throws Exception {
        String url = System.getenv("PERFPLAN_TEST_PG_URL");
        assumeTrue(url != null && !url.isBlank(), "PERFPLAN_TEST_PG_URL is not set");
        try (Database pg = Database.open(url, null, null)) {
            try (Connection c = pg.connection(); Statement st = c.createStatement()) {
                st.execute("DELETE FROM runs WHERE plan = 'pg-ro-test'");
            }
            seedRuns(pg, "pg-ro-test", 2);
            assertThatThrownBy(() -> new ReadOnlyQuery(pg).execute(
                    "WITH d AS (DELETE FROM metrics RETURNING run_id) SELECT COUNT(*) FROM d", 10, Duration.ofSeconds(5)))
                    .hasMessageContaining("read-only transaction");
            // a read-only transaction still lets a superuser read server files: only the classifier stops that
            assertThatThrownBy(() -> new ReadOnlyQuery(pg).run("SELECT pg_read_file('/etc/hostname')", 10, Duration.ofSeconds(5)))
                    .isInstanceOf(SqlGuard.RefusedException.class).hasMessageContaining("PG_READ_FILE");
            ReadOnlyQuery.Result r = new ReadOnlyQuery(pg).run(
                    "SELECT COUNT(*) AS n FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.plan = 'pg-ro-test'", 10, Duration.ofSeconds(5));
            assertThat(((Number) r.rows().get(0).get(0)).longValue()).isEqualTo(2);
        }
    }
}
