package io.perfplan.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.perfplan.actions.validate.GateReferences;
import io.perfplan.cli.Main;
import io.perfplan.engine.ActionRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed, oversized and malicious plans (see {@link HostileCorpus}): each is refused by
 * {@code perfplan validate} and {@code perfplan run} with exit code 2 and one clear
 * {@code file:line:col: message}, never a stack trace, and checking it takes under a second.
 * Every plan is run through the CLI entry point in-process; all of them through one real
 * {@code validate} process, and a sample through real {@code run} processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePlansTest {

    @TempDir
    static Path dir;

    private List<HostileCorpus.Case> cases;
    private final PlanValidator validator = new PlanValidator(ActionRegistry.withBuiltIns(), new Expressions(GroovyExpressions::new));

    @BeforeAll
    void writeCorpusAndWarmUp() throws Exception {
        Path generated = Files.createDirectories(dir.resolve("generated"));
        cases = new ArrayList<>(HostileCorpus.committed());
        cases.addAll(HostileCorpus.generate(generated));
        // the first Groovy compile in a JVM loads the compiler (about 2 s on a busy machine): not the plan's cost
        validator.loadAndValidate(Path.of("plans/gate.yaml"));
        new GroovyExpressions().check("[1, 2].collect { it * 2 }.sum() > 1");
    }

    Stream<HostileCorpus.Case> cases() {
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithALocatedMessageInUnderASecond(HostileCorpus.Case c) {
        long start = System.nanoTime();
        List<Problem> problems = problems(c.file());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(problems).as(c + " is refused").isNotEmpty();
        assertThat(problems).as(c + ": a problem says '" + c.expect() + "'")
                .anySatisfy(p -> assertThat(p.message()).contains(c.expect()));
        for (Problem p : problems) {
            if (!Files.isDirectory(c.file())) {
                assertThat(p.pos().line()).as(c + ": " + p + " has a line").isPositive();
                assertThat(p.pos().col()).as(c + ": " + p + " has a column").isPositive();
            }
            assertThat(p.message()).as(c.toString()).doesNotContain("Exception").doesNotContain("\n")
                    .hasSizeLessThanOrEqualTo(Problem.MAX_MESSAGE_CHARS);
        }
        assertThat(took).as(c + " was checked in " + took.toMillis() + " ms").isLessThan(Duration.ofSeconds(1));
    }

    private List<Problem> problems(Path file) {
        try {
            Plan plan = validator.loadAndValidate(file);
            return GateReferences.check(plan, ActionRegistry.withBuiltIns());
        } catch (PlanException e) {
            return e.problems();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void runExitsTwoThroughTheCli(HostileCorpus.Case c) {
        // `validate` of every file is checked by one real process below
        Cli r = inProcess("run", c.file().toString(), "--db", "jdbc:h2:mem:hostile;DB_CLOSE_DELAY=-1");
        assertThat(r.exit()).as("run " + c + ": " + r.err()).isEqualTo(2);
        assertLocatedProblem(r.err(), c);
        assertThat(r.err()).contains("the plan was not run");
        assertThat(r.out()).as("run " + c + " starts no step").isEmpty();
    }

    @Test
    void oneValidateProcessRefusesTheWholeCorpus() throws Exception {
        List<String> args = new ArrayList<>(List.of("validate"));
        cases.forEach(c -> args.add(c.file().toString()));
        Cli r = process(args);
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        for (HostileCorpus.Case c : cases) {
            assertLocatedProblem(r.err(), c);
        }
        assertThat(r.err()).contains(cases.size() + " of " + cases.size() + " plans are invalid");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void runProcessesRefuseASampleAndRunNothing() throws Exception {
        for (String name : List.of("billion-laughs.yaml", "java-tag.yaml", "escape-ast-transform.yaml", "random-binary.yaml")) {
            HostileCorpus.Case c = cases.stream().filter(x -> x.file().getFileName().toString().equals(name)).findFirst().orElseThrow();
            long start = System.nanoTime();
            Cli r = process(List.of("run", c.file().toString()));
            assertThat(r.exit()).as(name + ": " + r.err()).isEqualTo(2);
            assertLocatedProblem(r.err(), c);
            assertThat(r.err()).contains("the plan was not run");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(name).isLessThan(Duration.ofSeconds(20));
        }
        assertThat(dir.resolve("pwned")).as("no escape touched its marker file").doesNotExist();
    }

    private static final Pattern TRACE = Pattern.compile("(?m)^\\s+at |Exception|Error:");

    private static void assertLocatedProblem(String err, HostileCorpus.Case c) {
        assertThat(TRACE.matcher(err).find()).as("no stack trace or exception name in:\n" + err).isFalse();
        String file = Pattern.quote(c.file().toString());
        String where = Files.isDirectory(c.file()) ? file + ": " : file + ":\\d+:\\d+: ";
        Pattern line = Pattern.compile("(?m)^" + where + ".*" + Pattern.quote(c.expect()));
        if (!line.matcher(err).find()) {
            fail("expected a line '%s...%s' in:%n%s", c.file(), c.expect(), err.length() > 4000 ? err.substring(0, 4000) : err);
        }
    }

    record Cli(int exit, String out, String err) {}

    /** Through the CLI's entry point in this JVM, with stdout and stderr captured. */
    private static synchronized Cli inProcess(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            exit = Main.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Cli(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** As a user runs it: {@code java -cp <test class path> io.perfplan.cli.Main ...} in the temp directory. */
    private Cli process(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("PERFPLAN_DB");
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("perfplan %s did not finish in 90 s", args.get(0));
        }
        return new Cli(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void aPlanThatIsNotThereIsAUsageErrorNamingThePath() {
        Cli r = inProcess("validate", dir.resolve("missing.yaml").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("missing.yaml: cannot read the file (no such file); check the path")
                .doesNotContain("Exception");
        assertThatThrownBy(() -> YamlDocument.read(dir)).isInstanceOf(PlanException.class).hasMessageContaining("is a directory");
    }
}
