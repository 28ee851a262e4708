package io.perfplan.store;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The read-only query's statement classifier: what it lets through and every kind of statement it refuses. */
class SqlGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id, plan, status FROM runs ORDER BY id DESC",
            "select count(*) from metrics;",
            "  SELECT 1 ;  -- trailing comment",
            "WITH p99 AS (SELECT run_id, metric_value FROM metrics WHERE name = 'latency.p99') SELECT * FROM p99",
            "VALUES (1, 2)",
            "SELECT 'DROP TABLE runs; DELETE FROM x' AS text",
            "SELECT \"plan\" FROM runs /* UPDATE runs SET x = 1 */ WHERE status = 'set'",
            "SELECT r.id, m.metric_value FROM runs r JOIN metrics m ON m.run_id = r.id WHERE r.plan = 'it''s' LIMIT 5",
            "SELECT * FROM runs OFFSET 10 ROWS FETCH NEXT 10 ROWS ONLY"})
    void acceptsOneReadingStatement(String sql) {
        assertThatCode(() -> SqlGuard.check(sql)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // DDL and DML, also hidden in a WITH or behind a first SELECT
            "INSERT INTO runs (plan) VALUES ('x')",
            "UPDATE runs SET status = 'passed'",
            "DELETE FROM runs",
            "MERGE INTO baselines KEY (name) VALUES ('a')",
            "DROP TABLE runs",
            "CREATE TABLE x (a INT)",
            "ALTER TABLE runs ADD COLUMN x INT",
            "TRUNCATE TABLE metrics",
            "WITH d AS (DELETE FROM runs RETURNING *) SELECT * FROM d",
            "SELECT * FROM OLD TABLE (DELETE FROM metrics)",
            "SELECT * INTO copy_of_runs FROM runs",
            "SELECT 1; DROP TABLE runs",
            "SELECT 1; SELECT 2",
            "SELECT * FROM runs FOR UPDATE",
            "SELECT * FROM runs FOR SHARE",
            // statements that run other code, write files or change the session
            "CALL FILE_WRITE('x', '/tmp/x')",
            "SCRIPT TO '/tmp/dump.sql'",
            "RUNSCRIPT FROM '/tmp/evil.sql'",
            "BACKUP TO '/tmp/b.zip'",
            "SET MODE PostgreSQL",
            "SHUTDOWN",
            "EXPLAIN ANALYZE SELECT 1",
            "COPY runs TO '/tmp/runs.csv'",
            "GRANT ALL ON runs TO PUBLIC",
            "COMMIT",
            // H2 functions inside a SELECT
            "SELECT FILE_READ('/etc/passwd')",
            "select file_read('/etc/passwd', NULL)",
            "SELECT \"FILE_READ\"('/etc/passwd')",
            "SELECT CSVWRITE('/tmp/x.csv', 'SELECT * FROM runs')",
            "SELECT * FROM CSVREAD('/etc/passwd')",
            "SELECT FILE_WRITE('x', '/tmp/x')",
            "SELECT LINK_SCHEMA('x', '', 'jdbc:h2:mem:other', 'sa', '', 'PUBLIC')",
            "SELECT DATABASE_PATH()",
            "SELECT NEXT VALUE FOR some_sequence",
            "SELECT SET(@x, 1)",
            // PostgreSQL functions
            "SELECT pg_read_file('/etc/passwd')",
            "SELECT pg_ls_dir('.')",
            "SELECT lo_import('/etc/passwd')",
            "SELECT * FROM dblink('host=x', 'DELETE FROM runs') AS t(a int)",
            "SELECT set_config('default_transaction_read_only', 'off', false)",
            "SELECT query_to_xml('DELETE FROM runs', true, true, '')",
            "SELECT pg_sleep(100)",
            "SELECT nextval('runs_id_seq')",
            // text the two databases could read differently
            "SELECT $$x$$",
            "SELECT E'\\' ; DROP TABLE runs --'",
            "SELECT U&\"FILE\\005FREAD\"('/etc/passwd')",
            "SELECT 1 // '\n, FILE_READ('/etc/passwd') --'",
            "SELECT /* /* */ ' */ , pg_read_file('/x') --'",
            "SELECT 'a\\' , pg_read_file('/x') --'",
            "SELECT 'unclosed",
            "SELECT 1 /* unclosed",
            "",
            "   -- only a comment"})
    void refusesAnythingThatCouldWriteOrReachOutside(String sql) {
        assertThatThrownBy(() -> SqlGuard.check(sql)).isInstanceOf(SqlGuard.RefusedException.class)
                .hasMessageNotContaining("Exception");
    }

    @org.junit.jupiter.api.Test
    void namesWhatItRefusedInOneSentence() {
        assertThatThrownBy(() -> SqlGuard.check("SELECT FILE_READ('/etc/passwd')"))
                .hasMessage("perfplan query only reads the history tables, and FILE_READ reaches outside them (files, other databases,"
                        + " sequences or the server); it is not allowed");
        assertThatThrownBy(() -> SqlGuard.check("DELETE FROM runs"))
                .hasMessageContaining("only reads").hasMessageContaining("'DELETE' is not one");
        assertThatThrownBy(() -> SqlGuard.check("SELECT 1; DROP TABLE runs")).hasMessageContaining("more than one statement");
    }
}
