package io.perfplan.plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The hostile plans: the small ones committed under {@code src/test/resources/hostile/} (each
 * starts with {@code # expect: FRAGMENT}, a part of the message it must be refused with), and the
 * large or binary ones written here at run time so the repository stays small.
 */
final class HostileCorpus {

    /** One hostile plan and a fragment of the message that must refuse it. */
    record Case(Path file, String expect) {
        @Override
        public String toString() {
            return file.getFileName().toString();
        }
    }

    private HostileCorpus() {}

    /** The committed corpus directory (as copied to the test class path). */
    static Path committedDir() {
        try {
            return Path.of(HostileCorpus.class.getResource("/hostile").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Case> committed() {
        try (Stream<Path> files = Files.list(committedDir())) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().map(f -> {
                String first = firstLine(f);
                if (!first.startsWith("# expect: ")) {
                    throw new IllegalStateException(f + " must start with '# expect: <message fragment>'");
                }
                return new Case(f, first.substring("# expect: ".length()).strip());
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(Path f) {
        try {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            return nl < 0 ? text : text.substring(0, nl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the large and binary cases into {@code dir} (about 4 MB in all; a fixed seed). */
    static List<Case> generate(Path dir) throws IOException {
        List<Case> cases = new ArrayList<>();
        String step = "steps:\n  - {id: a, action: exec, with: {command: [echo]}}\n";

        Path oversized = dir.resolve("oversized.yaml");
        try (var out = Files.newBufferedWriter(oversized)) {
            out.write("plan: big\n" + step + "vars:\n");
            String line = "  # " + "padding ".repeat(12) + "\n";
            for (long written = 0; written <= YamlDocument.MAX_BYTES; written += line.length()) {
                out.write(line);
            }
        }
        cases.add(new Case(oversized, "larger than"));

        cases.add(write(dir, "huge-line-scalar.yaml", "plan: big\ndescription: \"" + "A".repeat(900_000) + "\"\n" + step,
                "characters long; the limit is " + YamlDocument.MAX_LINE_CHARS));
        cases.add(write(dir, "huge-key.yaml", "plan: big\n" + "k".repeat(900_000) + ": 1\n" + step,
                "characters long; the limit is"));

        StringBuilder block = new StringBuilder("plan: big\ndescription: |\n");
        String text = "lorem ipsum dolor sit amet ".repeat(3);
        for (int chars = 0; chars <= YamlDocument.MAX_SCALAR_CHARS; chars += text.length() + 1) {
            block.append("  ").append(text).append('\n');
        }
        cases.add(write(dir, "huge-block-scalar.yaml", block + step, "the limit is " + YamlDocument.MAX_SCALAR_CHARS));

        StringBuilder nodes = new StringBuilder("plan: big\n").append(step).append("vars:\n  many: [");
        for (int i = 0; i <= YamlDocument.MAX_NODES; i++) {
            nodes.append(i % 1000 == 999 ? "0,\n    " : "0,");
        }
        cases.add(write(dir, "node-flood.yaml", nodes.append("0]\n").toString(), "values (a YAML bomb?)"));

        StringBuilder expansion = new StringBuilder("plan: big\n").append(step).append("vars:\n  a: &a [");
        for (int i = 0; i < 2_000; i++) {
            expansion.append(i % 100 == 99 ? "0,\n    " : "0,");
        }
        expansion.append("0]\n  b: [").append("*a, ".repeat(YamlDocument.MAX_ALIASES - 1)).append("*a]\n");
        cases.add(write(dir, "alias-expansion.yaml", expansion.toString(), "expands to more than"));

        StringBuilder unknownKey = new StringBuilder("plan: big\n").append(step);
        // an explicit key (?): a simple key may not be longer than 1024 characters in YAML
        unknownKey.append("? x").append("y".repeat(60_000)).append("\n: 1\n");
        cases.add(write(dir, "long-unknown-key.yaml", unknownKey.toString(), "characters left out"));

        byte[] random = new byte[64 * 1024];
        new Random(12).nextBytes(random);
        random[0] = (byte) 0xC3; // a lead byte followed by an ASCII one: malformed UTF-8 at 1:1 whatever the seed
        random[1] = 0x28;
        cases.add(write(dir, "random-binary.yaml", random, "not UTF-8"));
        cases.add(write(dir, "elf-header.yaml", new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0},
                "NUL byte"));
        cases.add(write(dir, "utf16.yaml", ("plan: x\n" + step).getBytes(StandardCharsets.UTF_16), "not UTF-8"));
        cases.add(write(dir, "bad-utf8-in-value.yaml", concat("plan: x\nsteps:\n  - {id: a, action: exec, with: {command: [\"",
                new byte[] {(byte) 0xC3, 0x28}, "\"]}}\n"), "not UTF-8"));
        cases.add(write(dir, "overlong-utf8-slash.yaml", concat("plan: x\nscripts: [\"..", new byte[] {(byte) 0xC0, (byte) 0xAF},
                "etc\"]\n" + step), "not UTF-8"));
        cases.add(write(dir, "zero-bytes.yaml", new byte[0], "the file is empty"));

        Path directory = Files.createDirectories(dir.resolve("a-directory.yaml"));
        cases.add(new Case(directory, "is a directory"));
        return cases;
    }

    private static Case write(Path dir, String name, String text, String expect) throws IOException {
        return write(dir, name, text.getBytes(StandardCharsets.UTF_8), expect);
    }

    private static Case write(Path dir, String name, byte[] bytes, String expect) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return new Case(f, expect);
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }
}
