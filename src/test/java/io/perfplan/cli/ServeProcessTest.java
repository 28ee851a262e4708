package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `perfplan serve` as a real process: SIGTERM handling, and `schedule list` reading what it scheduled. */
class ServeProcessTest {

    @TempDir
    Path dir;

    private Process serve(String... extra) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--plans", "plans"));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("PERFPLAN_DB");
        pb.redirectOutput(dir.resolve("serve.out").toFile()).redirectError(dir.resolve("serve.err").toFile());
        return pb.start();
    }

    private String output() throws Exception {
        return Files.readString(dir.resolve("serve.out")) + Files.readString(dir.resolve("serve.err"));
    }

    @Test
    void sigtermLetsTheGraceRunOutThenCancelsTheRunAndItsFinallyStepsRun() throws Exception {
        Files.createDirectories(dir.resolve("plans"));
        Files.writeString(dir.resolve("plans/long.yaml"), """
                plan: long
                schedule: {cron: "* * * * * ?", overlap: skip}
                steps:
                  - id: nap
                    action: exec
                    with: {command: [sleep, "30"]}
                finally:
                  - id: cleanup
                    action: exec
                    with: {command: [echo, cleaned]}
                """);
        Process p = serve("--grace", "1s");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!output().contains("plan long: starting the firing")) {
                assertThat(p.isAlive()).as(output()).isTrue();
                assertThat(System.nanoTime()).as("the plan fired: " + output()).isLessThan(deadline);
                Thread.sleep(100);
            }
            // `perfplan run` shares the H2 file with serve meanwhile
            Files.writeString(dir.resolve("once.yaml"), "plan: once\nsteps:\n  - {id: hi, action: exec, with: {command: [echo, hi]}}\n");
            assertThat(Main.execute("run", dir.resolve("once.yaml").toString(), "--db", Database.defaultUrl(dir))).isZero();
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("serve stopped after SIGTERM").isTrue();
            assertThat(p.exitValue()).as(output()).isZero();
        } finally {
            p.destroyForcibly();
        }
        assertThat(output()).contains("cancelling 1 run(s) still going after the grace period").contains("stopped");
        try (Database db = Database.open(Database.defaultUrl(dir), null, null)) {
            List<RunRepository.RunRow> runs = db.runs().history(new RunRepository.Filter("long", null, null, null, 0));
            assertThat(runs).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo("cancelled");
                assertThat(r.trigger()).isEqualTo("schedule");
                assertThat(r.error()).contains("grace period");
            });
            List<RunRepository.StepRow> steps = db.runs().steps(runs.get(0).id());
            assertThat(db.runs().history(new RunRepository.Filter("once", "passed", null, null, 0))).hasSize(1);
            assertThat(steps).anySatisfy(s -> {
                assertThat(s.stepId()).isEqualTo("cleanup");
                assertThat(s.status()).isEqualTo("passed");
            });
        }

        // what serve left scheduled, from the database
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new PerfplanCommand(), new CommandFactory());
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("schedule", "list", "--json", "--next", "2", "--db", Database.defaultUrl(dir));
        assertThat(code).isZero();
        JsonNode list = new ObjectMapper().readTree(out.toString());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("plan").asText()).isEqualTo("long");
        assertThat(list.get(0).get("cron").asText()).isEqualTo("* * * * * ?");
        assertThat(list.get(0).get("next_fires")).hasSize(2);
        // the newest firing: the cancelled run, or a firing skipped while it was going (overlap: skip)
        assertThat(list.get(0).get("last_firing").get("outcome").asText()).isIn("cancelled", "skipped");
        StringWriter text = new StringWriter();
        cli.setOut(new PrintWriter(text));
        assertThat(cli.execute("schedule", "list", "--db", Database.defaultUrl(dir))).isZero();
        assertThat(text.toString()).contains("PLAN").contains("NEXT").containsPattern("long +\\* \\* \\* \\* \\* \\? +UTC +skip +run-once +normal +\\S+ \\S+ UTC (cancelled|skipped)");
    }

    @Test
    void aMissingPlansFolderIsAnInvalidCommandLine() {
        int code = Main.execute("serve", "--plans", dir.resolve("nope").toString(), "--db", Database.defaultUrl(dir));
        assertThat(code).isEqualTo(ExitCode.INVALID);
    }
}
