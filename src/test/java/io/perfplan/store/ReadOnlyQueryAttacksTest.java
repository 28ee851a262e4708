package io.perfplan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.perfplan.cli.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way we know to write through {@code perfplan query} (statements, functions with side
 * effects, sequences, locks, file and network access, deserialization, comment, case, quoting and
 * Unicode tricks, several statements) is refused, and afterwards the database is exactly as before:
 * H2 compared by a full {@code SCRIPT} dump, PostgreSQL (when PERFPLAN_TEST_PG_URL is set) by a
 * checksum of every table and every sequence's state, each taken through a separate, normal connection.
 */
class ReadOnlyQueryAttacksTest {

    @TempDir
    Path dir;

    /** Attacks that make sense on both databases ({@code PWNED} is replaced by a path in the temp dir). */
    static List<String> attacks() {
        return List.of(
                // DDL and DML, plain and hidden
                "DELETE FROM metrics",
                "delete from metrics",
                "DeLeTe FROM metrics",
                "UPDATE runs SET status = 'pwned'",
                "INSERT INTO runs (plan, trigger_kind, params_json) VALUES ('x', 'y', '{}')",
                "DROP TABLE metrics",
                "TRUNCATE TABLE samples",
                "ALTER TABLE runs ADD COLUMN pwned INT",
                "CREATE TABLE pwned (a INT)",
                "CREATE ALIAS PWN AS 'String pwn() { return \"x\"; }'",
                "CREATE TRIGGER t BEFORE INSERT ON runs FOR EACH ROW CALL 'x.Y'",
                "CREATE FUNCTION pwn() RETURNS int AS 'select 1' LANGUAGE sql",
                "GRANT ALL ON runs TO PUBLIC",
                "COMMENT ON TABLE runs IS 'pwned'",
                "MERGE INTO runs USING (VALUES 1) v(x) ON FALSE WHEN NOT MATCHED THEN INSERT (plan) VALUES ('x')",
                "WITH d AS (DELETE FROM metrics RETURNING *) SELECT * FROM d",
                "WITH u AS (UPDATE runs SET status = 'x' RETURNING id) SELECT * FROM u",
                "SELECT * FROM OLD TABLE (DELETE FROM metrics)",
                "SELECT * FROM FINAL TABLE (INSERT INTO runs (plan) VALUES ('x'))",
                "SELECT * INTO pwned FROM runs",
                "SELECT * FROM runs FOR UPDATE",
                "SELECT * FROM runs FOR NO KEY UPDATE",
                "SELECT * FROM runs FOR SHARE",
                "SELECT * FROM runs FOR KEY SHARE",
                "EXPLAIN ANALYZE DELETE FROM metrics",
                "EXPLAIN DELETE FROM metrics",
                "VALUES (1); DELETE FROM metrics",
                "SELECT 1; DELETE FROM metrics",
                "SELECT 1;DELETE FROM metrics;",
                "SELECT 1 /* ; */ ; DELETE FROM metrics",
                "SELECT 1 -- x\n; DELETE FROM metrics",
                "SELECT 1 ;\n\n  DROP TABLE runs",
                "/* comment first */ DELETE FROM metrics",
                "-- comment first\nDELETE FROM metrics",
                "(DELETE FROM metrics)",
                "SELECT \"DELETE\" FROM metrics",
                "SELECT 1 FROM runs WHERE id IN (SELECT id FROM OLD TABLE (DELETE FROM runs))",
                // procedures, scripts, settings, session and transaction control
                "CALL FILE_WRITE('x', 'PWNED')",
                "CALL NEXT VALUE FOR pwned_seq",
                "EXEC pwn",
                "EXECUTE IMMEDIATE 'DELETE FROM metrics'",
                "DO $$ BEGIN DELETE FROM metrics; END $$",
                "SCRIPT TO 'PWNED'",
                "RUNSCRIPT FROM 'PWNED'",
                "BACKUP TO 'PWNED'",
                "SET MODE PostgreSQL",
                "SET @x = 1",
                "SET TRANSACTION READ WRITE",
                "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
                "RESET ALL",
                "COMMIT",
                "ROLLBACK",
                "BEGIN",
                "START TRANSACTION READ WRITE",
                "SAVEPOINT a",
                "LOCK TABLE runs IN ACCESS EXCLUSIVE MODE",
                "SHUTDOWN",
                "CHECKPOINT",
                "VACUUM FULL runs",
                "ANALYZE runs",
                "REINDEX TABLE runs",
                "CLUSTER runs",
                "REFRESH MATERIALIZED VIEW v",
                "NOTIFY pwned, 'x'",
                "LISTEN pwned",
                "PREPARE p AS DELETE FROM metrics",
                "DISCARD ALL",
                "LOAD 'pwned'",
                "IMPORT FOREIGN SCHEMA public FROM SERVER s INTO public",
                "COPY runs TO 'PWNED'",
                "COPY runs FROM 'PWNED'",
                "COPY (SELECT 1) TO PROGRAM 'touch PWNED'",
                // functions with side effects inside a SELECT: H2
                "SELECT FILE_WRITE('x', 'PWNED')",
                "SELECT FILE_READ('/etc/passwd')",
                "SELECT CSVWRITE('PWNED', 'SELECT * FROM runs')",
                "SELECT * FROM CSVREAD('/etc/passwd')",
                "SELECT LINK_SCHEMA('x', '', 'jdbc:h2:mem:other', 'sa', '', 'PUBLIC')",
                "SELECT DATABASE_PATH()",
                "SELECT CANCEL_SESSION(1)",
                "SELECT ABORT_SESSION(1)",
                "SELECT NEXT VALUE FOR pwned_seq",
                "VALUES (NEXT VALUE FOR pwned_seq)",
                "SELECT pwned_seq.NEXTVAL",
                "SELECT CURRVAL('pwned_seq')",
                "SELECT SET(@x, 1)",
                "SELECT CAST(X'ACED0005740003616263' AS OTHER)",
                "SELECT CAST(X'ACED0005740003616263' AS JAVA_OBJECT)",
                "SELECT CAST(X'ACED0005740003616263' AS \"OTHER\")",
                // functions with side effects inside a SELECT: PostgreSQL
                "SELECT pg_read_file('/etc/passwd')",
                "SELECT pg_catalog.pg_read_file('/etc/passwd')",
                "SELECT pg_ls_dir('.')",
                "SELECT pg_sleep(100)",
                "SELECT pg_terminate_backend(1)",
                "SELECT pg_advisory_lock(1)",
                "SELECT pg_notify('x', 'y')",
                "SELECT lo_import('/etc/passwd')",
                "SELECT lo_export(1, 'PWNED')",
                "SELECT * FROM dblink('host=127.0.0.1', 'DELETE FROM metrics') AS t(a int)",
                "SELECT dblink_exec('host=127.0.0.1', 'DELETE FROM metrics')",
                "SELECT set_config('default_transaction_read_only', 'off', false)",
                "SELECT \"set_config\"('default_transaction_read_only', 'off', false)",
                "SELECT SeT_CoNfIg('default_transaction_read_only', 'off', false)",
                "SELECT query_to_xml('DELETE FROM metrics', true, true, '')",
                "SELECT nextval('runs_id_seq')",
                "SELECT setval('runs_id_seq', 1)",
                "SELECT txid_current()",
                "SELECT brin_summarize_new_values('idx')",
                // quoting, escapes and comments the two databases could read differently
                "SELECT $$x$$; DELETE FROM metrics",
                "SELECT $1",
                "SELECT E'\\'; DELETE FROM metrics --'",
                "SELECT U&\"FILE\\005FWRITE\"('x', 'PWNED')",
                "SELECT U&'\\0027'; DELETE FROM metrics --'",
                "SELECT 'a\\'; DELETE FROM metrics --'",
                "SELECT 1 // '\n, FILE_READ('/etc/passwd') --'",
                "SELECT /* /* */ ' */ ; DELETE FROM metrics --'",
                "SELECT 1 /* unclosed ; DELETE FROM metrics",
                "SELECT 'unclosed ; DELETE FROM metrics",
                "SELECT \"unclosed ; DELETE FROM metrics",
                "SELECT 1 \\g DELETE FROM metrics",
                "\uFEFFDELETE FROM metrics",
                "DELETE\u00A0FROM metrics",
                "SELECT 1\u2028; DELETE FROM metrics",
                "",
                "   ",
                ";",
                "-- nothing but a comment");
    }

    @Test
    void everyAttackIsRefusedAndH2IsUnchanged() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db/perfplan") + ";AUTO_SERVER=FALSE";
        try (Database db = Database.open(url, null, null)) {
            ReadOnlyQueryTest.seedRuns(db, "attacks", 3);
            normal(db, "CREATE SEQUENCE pwned_seq");
            String before = h2Dump(db);
            List<String> accepted = attackAll(db);
            assertThat(accepted).as("attacks the guard let through").isEmpty();
            assertThat(h2Dump(db)).as("the full SCRIPT dump after every attack").isEqualTo(before);
            assertThat(new ReadOnlyQuery(db).run("SELECT COUNT(*) FROM metrics", 10, Duration.ofSeconds(5)).rows().get(0).get(0))
                    .isEqualTo(3L);
        }
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void everyAttackIsRefusedAndPostgresIsUnchanged() throws Exception {
        String url = System.getenv("PERFPLAN_TEST_PG_URL");
        assumeTrue(url != null && !url.isBlank(), "PERFPLAN_TEST_PG_URL is not set");
        try (Database db = Database.open(url, null, null)) {
            normal(db, "DELETE FROM runs WHERE plan = 'pg-attacks'");
            ReadOnlyQueryTest.seedRuns(db, "pg-attacks", 2);
            normal(db, "CREATE SEQUENCE IF NOT EXISTS pwned_seq");
            String before = postgresChecksums(db);
            List<String> accepted = attackAll(db);
            assertThat(accepted).as("attacks the guard let through").isEmpty();
            assertThat(postgresChecksums(db)).as("every table's checksum and every sequence's state").isEqualTo(before);
        }
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    /** Each attack through the guard and the read-only connection; returns those that were not refused. */
    private List<String> attackAll(Database db) {
        List<String> accepted = new ArrayList<>();
        ReadOnlyQuery query = new ReadOnlyQuery(db);
        for (String attack : attacks()) {
            String sql = attack.replace("PWNED", dir.resolve("pwned").toString());
            try {
                query.run(sql, 10, Duration.ofSeconds(5));
                accepted.add(sql);
            } catch (SqlGuard.RefusedException e) {
                assertThat(e.getMessage()).as(sql).doesNotContain("\n").doesNotContain("Exception");
            } catch (IllegalArgumentException e) {
                accepted.add(sql + "  (reached the database: " + e.getMessage() + ")");
            }
        }
        return accepted;
    }

    @Test
    void theQueryCommandRefusesWithExitTwoAndNoStackTrace() throws Exception {
        try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db/perfplan"), null, null)) {
            ReadOnlyQueryTest.seedRuns(db, "cli", 1);
        }
        for (String sql : List.of("DELETE FROM metrics", "SELECT FILE_WRITE('x', '" + dir.resolve("pwned") + "')",
                "SELECT 1; DROP TABLE runs", "CREATE ALIAS PWN AS 'String pwn() { return \"x\"; }'")) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "query", sql).directory(dir.toFile());
            pb.environment().remove("PERFPLAN_DB");
            Path err = dir.resolve("err.txt");
            pb.redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile());
            Process p = pb.start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(sql + ": " + stderr).isEqualTo(2);
            assertThat(stderr).startsWith("perfplan: ").doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(stderr.strip().lines()).hasSize(1);
        }
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    private static void normal(Database db, String sql) throws Exception {
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** H2's own full dump (schema, rows, sequences' values), through a separate normal connection. */
    private static String h2Dump(Database db) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = db.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SCRIPT NOPASSWORDS NOSETTINGS")) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        assertThat(out.toString()).contains("INSERT INTO \"PUBLIC\".\"METRICS\"");
        return out.toString();
    }

    /** Row count and md5 of every table of the current schema, and every sequence's last value. */
    private static String postgresChecksums(Database db) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                    + "AND table_type = 'BASE TABLE' ORDER BY table_name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("runs", "metrics");
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*), md5(COALESCE(string_agg(x::text, ',' ORDER BY x::text), '')) FROM \""
                        + t + "\" x")) {
                    rs.next();
                    out.append(t).append(' ').append(rs.getLong(1)).append(' ').append(rs.getString(2)).append('\n');
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename")) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append(' ').append(rs.getString(2)).append('\n');
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                    + "WHERE n.nspname = current_schema() ORDER BY proname")) {
                while (rs.next()) {
                    out.append("function ").append(rs.getString(1)).append('\n');
                }
            }
        }
        return out.toString();
    }
}
