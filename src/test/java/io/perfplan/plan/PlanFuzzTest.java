package io.perfplan.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.perfplan.actions.validate.GateReferences;
import io.perfplan.engine.ActionRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer over the example plans and the hostile corpus: thousands of mutants
 * (bytes flipped, ranges cut or repeated, lines swapped or re-indented, YAML and expression tokens
 * spliced in) go through load and validate in this JVM, and each must end as a valid plan or a
 * {@link PlanException}: no other exception, no hang. A failure names the seed of its mutant and
 * writes it to {@code target/fuzz-failures/}; {@code -Dperfplan.fuzz.seed=N} changes the base seed and
 * {@code -Dperfplan.fuzz.seconds=S} the time spent (default 15 s).
 */
class PlanFuzzTest {

    private static final String[] TOKENS = {
        "${", "}", "$${", "${steps.", "${params.", "${failed('", "'.execute()}", "${x.class}", "[", "]", "{", "}",
        ": ", "- ", "\n", "\n  ", "    ", "\t", "'", "\"", "\\", "#", "|", ">-", "&a ", "*a", "!!str ", "!!java.io.File ",
        "!x ", "<<: ", "? ", "---\n", "...\n", "%YAML 1.1\n", "~", "null", "true", "-1", "1e999", "0x7fffffffffffffffff",
        ".nan", "10 parsecs", "0 0 2 * * ?", "*/0 * * * * ?", "id: ", "action: ", "with: ", "steps:", "parallel:",
        "retry: {attempts: 0}", "if: ", "timeout: ", "\u0000", "\u00e9", "\ud83d\ude00", "\u202e", "\uFEFF", "\r\n"};

    @TempDir
    Path dir;

    @Test
    void mutantsEndAsAPlanOrAPlanException() throws Exception {
        long baseSeed = Long.getLong("perfplan.fuzz.seed", 20_260_601L);
        Duration budget = Duration.ofSeconds(Long.getLong("perfplan.fuzz.seconds", 15L));
        List<byte[]> seeds = inputs();
        PlanValidator validator = new PlanValidator(ActionRegistry.withBuiltIns(), new Expressions(GroovyExpressions::new));
        ActionRegistry actions = ActionRegistry.withBuiltIns();
        validator.loadAndValidate(Path.of("plans/gate.yaml")); // loads Groovy once, outside the per-input timeout

        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "fuzz", 4 << 20);
            t.setDaemon(true);
            return t;
        });
        List<String> failures = new ArrayList<>();
        int mutants = 0;
        int valid = 0;
        long slowestNanos = 0;
        long slowestSeed = 0;
        long deadline = System.nanoTime() + budget.toNanos();
        try {
            for (long i = 0; System.nanoTime() < deadline && failures.size() < 5; i++) {
                long seed = baseSeed + i;
                Random random = new Random(seed);
                byte[] mutant = mutate(seeds.get(random.nextInt(seeds.size())), random);
                Path file = dir.resolve("mutant.yaml");
                Files.write(file, mutant);
                long start = System.nanoTime();
                Future<Boolean> outcome = worker.submit(() -> {
                    try {
                        Plan plan = validator.loadAndValidate(file);
                        List<Problem> problems = GateReferences.check(plan, actions);
                        return problems.isEmpty();
                    } catch (PlanException e) {
                        assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p.message()).isNotBlank());
                        return false;
                    }
                });
                try {
                    if (outcome.get(10, TimeUnit.SECONDS)) {
                        valid++;
                    }
                } catch (TimeoutException e) {
                    failures.add(report(seed, mutant, "hung for more than 10 s"));
                    break; // the worker is stuck; the next mutants could not run
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(report(seed, mutant, e.getCause().toString()));
                }
                long took = System.nanoTime() - start;
                if (took > slowestNanos) {
                    slowestNanos = took;
                    slowestSeed = seed;
                }
                mutants++;
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("fuzz: %d mutants from base seed %d, %d valid, slowest %d ms (seed %d)%n",
                mutants, baseSeed, valid, slowestNanos / 1_000_000, slowestSeed);
        assertThat(failures).as("mutants that crashed or hung (reproduce with -Dperfplan.fuzz.seed=<seed> "
                + "-Dperfplan.fuzz.seconds=1, or load the file written)").isEmpty();
        assertThat(mutants).as("mutants tried in %s", budget).isGreaterThan(500);
        assertThat(Duration.ofNanos(slowestNanos)).as("slowest mutant, seed " + slowestSeed).isLessThan(Duration.ofSeconds(5));
    }

    private static String report(long seed, byte[] mutant, String what) {
        try {
            Path out = Files.createDirectories(Path.of("target", "fuzz-failures")).resolve("seed-" + seed + ".yaml");
            Files.write(out, mutant);
            return "seed " + seed + " (" + out + "): " + what;
        } catch (java.io.IOException e) {
            return "seed " + seed + ": " + what;
        }
    }

    private static List<byte[]> inputs() throws Exception {
        List<byte[]> all = new ArrayList<>();
        try (Stream<Path> plans = Files.list(Path.of("plans"))) {
            for (Path p : plans.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                all.add(Files.readAllBytes(p));
            }
        }
        for (HostileCorpus.Case c : HostileCorpus.committed()) {
            if (Files.size(c.file()) < 4096) {
                all.add(Files.readAllBytes(c.file()));
            }
        }
        return all;
    }

    /** One to four mutations of the seed input. */
    static byte[] mutate(byte[] input, Random random) {
        byte[] data = input;
        int n = 1 + random.nextInt(4);
        for (int k = 0; k < n; k++) {
            data = switch (random.nextInt(7)) {
                case 0 -> flipByte(data, random);
                case 1 -> cut(data, random);
                case 2 -> repeat(data, random);
                case 3 -> splice(data, random, TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                case 4 -> swapLines(data, random);
                case 5 -> reindent(data, random);
                default -> splice(data, random, slice(data, random));
            };
        }
        return data;
    }

    private static byte[] flipByte(byte[] d, Random r) {
        if (d.length == 0) {
            return d;
        }
        byte[] out = d.clone();
        int i = r.nextInt(out.length);
        out[i] = r.nextBoolean() ? (byte) r.nextInt(128) : (byte) (out[i] ^ (1 << r.nextInt(8)));
        return out;
    }

    private static byte[] cut(byte[] d, Random r) {
        if (d.length < 2) {
            return d;
        }
        int from = r.nextInt(d.length);
        int to = Math.min(d.length, from + 1 + r.nextInt(Math.min(64, d.length)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(d, 0, from);
        out.write(d, to, d.length - to);
        return out.toByteArray();
    }

    private static byte[] repeat(byte[] d, Random r) {
        byte[] piece = slice(d, r);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = d.length == 0 ? 0 : r.nextInt(d.length);
        out.write(d, 0, at);
        for (int i = 0, times = 1 + r.nextInt(r.nextInt(10) == 0 ? 500 : 8); i < times; i++) {
            out.write(piece, 0, piece.length);
        }
        out.write(d, at, d.length - at);
        return out.toByteArray();
    }

    private static byte[] slice(byte[] d, Random r) {
        if (d.length == 0) {
            return d;
        }
        int from = r.nextInt(d.length);
        int to = Math.min(d.length, from + 1 + r.nextInt(40));
        return java.util.Arrays.copyOfRange(d, from, to);
    }

    private static byte[] splice(byte[] d, Random r, byte[] piece) {
        int at = d.length == 0 ? 0 : r.nextInt(d.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(d, 0, at);
        out.write(piece, 0, piece.length);
        out.write(d, at, d.length - at);
        return out.toByteArray();
    }

    private static byte[] swapLines(byte[] d, Random r) {
        List<String> lines = new ArrayList<>(List.of(new String(d, StandardCharsets.ISO_8859_1).split("\n", -1)));
        if (lines.size() < 2) {
            return d;
        }
        java.util.Collections.swap(lines, r.nextInt(lines.size()), r.nextInt(lines.size()));
        return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] reindent(byte[] d, Random r) {
        List<String> lines = new ArrayList<>(List.of(new String(d, StandardCharsets.ISO_8859_1).split("\n", -1)));
        int i = r.nextInt(lines.size());
        String line = lines.get(i);
        lines.set(i, r.nextBoolean() ? "  " + line : line.stripLeading());
        return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
    }
}
