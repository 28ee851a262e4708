package io.perfplan.core.logs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads log files from their start and, on each {@link #poll}, only what was appended since, feeding
 * complete lines to an aggregator. A path may be a glob ({@code logs/*.log}, {@code logs/**}/app.log);
 * globs are re-expanded on every poll so files that appear later are read too. A file that shrank
 * (rotated or truncated) is read again from its start. Lines that do not parse but follow a parsed
 * line (stack traces) are continuations and not counted. Files are read to their end in chunks of
 * 64 MiB, so memory stays bounded whatever their size.
 */
public final class LogFollower {

    private static final int MAX_READ_BYTES = 64 << 20;

    private final Path baseDir;
    private final List<String> patterns;
    private final LogFormat format;
    private final ZoneId zone;
    private final Map<Path, FileState> files = new LinkedHashMap<>();

    private static final class FileState {
        long offset;
        LogFormat format;
        boolean afterParsed;
    }

    /**
     * @param baseDir  relative paths and globs resolve against it
     * @param patterns file paths or globs
     * @param format   the format, or {@link LogFormat#AUTO} to detect per file
     * @param zone     zone of timestamps written without one
     */
    public LogFollower(Path baseDir, List<String> patterns, LogFormat format, ZoneId zone) {
        this.baseDir = baseDir;
        this.patterns = List.copyOf(patterns);
        this.format = format;
        this.zone = zone;
    }

    /** The files matched so far, in the order first seen. */
    public List<Path> files() {
        return List.copyOf(files.keySet());
    }

    /** Reads what was appended to every matching file since the last poll. */
    public void poll(LogAggregator into) throws IOException {
        for (Path file : expand()) {
            FileState state = files.computeIfAbsent(file, f -> new FileState());
            read(file, state, into);
        }
    }

    private List<Path> expand() throws IOException {
        TreeSet<Path> out = new TreeSet<>();
        for (String p : patterns) {
            if (p.chars().noneMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
                Path file = baseDir.resolve(p).normalize();
                if (Files.isRegularFile(file)) {
                    out.add(file);
                }
                continue;
            }
            Path absolute = baseDir.resolve(p).normalize();
            Path root = absolute.getRoot();
            for (Path part : absolute) {
                String s = part.toString();
                if (s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
                    break;
                }
                root = root == null ? part : root.resolve(part);
            }
            if (root == null || !Files.isDirectory(root)) {
                continue;
            }
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolute.toString().replace("\\", "\\\\"));
            try (Stream<Path> walk = Files.walk(root, 8)) {
                walk.filter(Files::isRegularFile).filter(matcher::matches).forEach(out::add);
            }
        }
        return new ArrayList<>(out);
    }

    private void read(Path file, FileState state, LogAggregator into) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length < state.offset) {
                state.offset = 0; // rotated or truncated
                state.afterParsed = false;
            }
            while (readChunk(raf, length, state, into)) {
                // next chunk
            }
        }
    }

    /** Reads up to 64 MiB of complete lines; true when a full chunk was read and more may follow. */
    private boolean readChunk(RandomAccessFile raf, long length, FileState state, LogAggregator into) throws IOException {
        {
            long available = Math.min(length - state.offset, MAX_READ_BYTES);
            if (available <= 0) {
                return false;
            }
            byte[] bytes = new byte[(int) available];
            raf.seek(state.offset);
            raf.readFully(bytes);
            int end = lastNewline(bytes);
            if (end < 0) {
                if (available == MAX_READ_BYTES) {
                    state.offset += available; // one line longer than 64 MiB: skipped, not a log line worth counting
                    into.unparsed();
                    return true;
                }
                return false; // no complete line yet
            }
            String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
            state.offset += end + 1;
            String[] lines = text.split("\r?\n", -1);
            if (state.format == null) {
                state.format = format != LogFormat.AUTO ? format
                        : LogFormat.detect(List.of(lines).subList(0, Math.min(lines.length, 50)));
            }
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                var entry = LogParser.parse(line, state.format, zone);
                if (entry.isPresent()) {
                    into.add(entry.get());
                    state.afterParsed = true;
                } else if (!state.afterParsed) {
                    into.unparsed();
                }
            }
            return available == MAX_READ_BYTES;
        }
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
