package io.perfplan.core.tuning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a configuration to a file that the tuned program reads, and restores what was there.
 * The file holds the tuned parameters only (include it from the program's main configuration).
 * Writes are atomic: a temporary file in the same folder, then an atomic rename over the target, so
 * a reader sees the old or the new content, never a mix.
 */
public final class ConfigFile {

    private ConfigFile() {
    }

    /** The file formats a configuration can be written in. */
    public enum Format { PROPERTIES, JSON, YAML, ENV }

    /** A file's content before a change: whether it existed, and its bytes (empty when it did not). */
    public record Snapshot(boolean existed, byte[] content) {
        public Snapshot {
            content = content == null ? new byte[0] : content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }
    }

    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern PLAIN_ENV = Pattern.compile("[A-Za-z0-9_./:@%+,=-]*");

    /** The configuration in a format, UTF-8; always ends with a newline. */
    public static byte[] render(Configuration config, Format format) {
        StringBuilder out = new StringBuilder();
        Map<String, String> values = config.values();
        switch (format) {
            case PROPERTIES -> {
                out.append("# tuned by perfplan optimize\n");
                values.forEach((k, v) -> out.append(propertiesEscape(k, true)).append('=').append(propertiesEscape(v, false)).append('\n'));
            }
            case JSON -> {
                out.append("{");
                int[] i = {0};
                values.forEach((k, v) -> out.append(i[0]++ == 0 ? "\n" : ",\n").append("  ").append(jsonString(k)).append(": ")
                        .append(NUMBER.matcher(v).matches() ? v : jsonString(v)));
                out.append(values.isEmpty() ? "}\n" : "\n}\n");
            }
            case YAML -> {
                out.append("# tuned by perfplan optimize\n");
                values.forEach((k, v) -> out.append(jsonString(k)).append(": ").append(NUMBER.matcher(v).matches() ? v : jsonString(v))
                        .append('\n'));
            }
            case ENV -> {
                out.append("# tuned by perfplan optimize\n");
                values.forEach((k, v) -> out.append(envName(k)).append('=')
                        .append(PLAIN_ENV.matcher(v).matches() ? v : "'" + v.replace("'", "'\\''") + "'").append('\n'));
            }
            default -> throw new IllegalArgumentException("unknown format " + format);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An environment variable name for a parameter: upper case, other characters than letters and digits as '_'. */
    public static String envName(String parameter) {
        String n = parameter.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
        return Character.isDigit(n.charAt(0)) ? "_" + n : n;
    }

    /** What the file holds now. */
    public static Snapshot read(Path file) throws IOException {
        return Files.isRegularFile(file) ? new Snapshot(true, Files.readAllBytes(file)) : new Snapshot(false, new byte[0]);
    }

    /** Replaces the file's content atomically, creating missing parent folders. */
    public static void write(Path file, byte[] content) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            Files.write(temp, content);
            keepPermissions(target, temp);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A temporary file is private (rw-------); give it the target's permissions, or rw-r--r-- for a new file. */
    private static void keepPermissions(Path target, Path temp) throws IOException {
        try {
            Files.setPosixFilePermissions(temp, Files.exists(target) ? Files.getPosixFilePermissions(target)
                    : PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the default permissions are all there is
        }
    }

    /**
     * Puts back what a file held before a change: its old bytes, or no file when there was none.
     * Refuses (with {@link IllegalStateException}) when the file no longer holds {@code applied}, the
     * content the change wrote, because someone changed it since and restoring would lose that.
     */
    public static void restore(Path file, Snapshot before, byte[] applied) throws IOException {
        Snapshot now = read(file);
        if (!now.existed() || !Arrays.equals(now.content(), applied)) {
            throw new IllegalStateException(file + " was changed after the tuned configuration was written, so it is left "
                    + "as it is; restore it by hand if needed.");
        }
        if (before.existed()) {
            write(file, before.content());
        } else {
            Files.deleteIfExists(file);
        }
    }

    private static String propertiesEscape(String s, boolean key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '=', ':', '#', '!' -> out.append(key || i == 0 ? "\\" + c : String.valueOf(c));
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
