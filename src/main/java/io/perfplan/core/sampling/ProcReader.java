package io.perfplan.core.sampling;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one process's counters from {@code /proc} with a reused buffer and no per-tick allocation
 * beyond the file handles: {@code stat} (CPU ticks, threads, RSS, state), {@code io} (storage bytes)
 * and {@code status} (context switches). This is the sampler's hot path; OSHI's general
 * {@code updateAttributes} reads and parses more than a tick needs. Not thread-safe.
 */
final class ProcReader {

    static final int USER_TICKS = 0, SYSTEM_TICKS = 1, THREADS = 2, RSS_PAGES = 3, READ_BYTES = 4, WRITTEN_BYTES = 5,
            VOLUNTARY_SWITCHES = 6, INVOLUNTARY_SWITCHES = 7;
    static final int FIELDS = 8;

    private static final byte[] READ_KEY = "read_bytes:".getBytes();
    private static final byte[] WRITE_KEY = "write_bytes:".getBytes();
    private static final byte[] VOLUNTARY_KEY = "\nvoluntary_ctxt_switches:".getBytes();
    private static final byte[] INVOLUNTARY_KEY = "\nnonvoluntary_ctxt_switches:".getBytes();

    private final byte[] buffer = new byte[8192];
    private final String statPath;
    private final String ioPath;
    private final String statusPath;
    private final Path fdDir;
    private final Path taskDir;

    ProcReader(int pid) {
        String base = "/proc/" + pid + "/";
        statPath = base + "stat";
        ioPath = base + "io";
        statusPath = base + "status";
        fdDir = Path.of(base + "fd");
        taskDir = Path.of(base + "task");
    }

    /** Fills {@code out} (length {@link #FIELDS}); false when the process is gone or a zombie. */
    boolean read(long[] out) {
        int n = load(statPath);
        if (n <= 0) {
            return false;
        }
        int close = n - 1;
        while (close > 0 && buffer[close] != ')') {
            close--;
        }
        // Fields after "comm)": state is the 1st, utime the 12th, stime the 13th, num_threads the 18th, rss the 22nd.
        int field = 0;
        int i = close + 2;
        if (i >= n || buffer[i] == 'Z' || buffer[i] == 'X') {
            return false;
        }
        while (i < n && field < 22) {
            int start = i;
            while (i < n && buffer[i] != ' ' && buffer[i] != '\n') {
                i++;
            }
            field++;
            switch (field) {
                case 12 -> out[USER_TICKS] = number(start, i);
                case 13 -> out[SYSTEM_TICKS] = number(start, i);
                case 18 -> out[THREADS] = number(start, i);
                case 22 -> out[RSS_PAGES] = number(start, i);
                default -> { }
            }
            i++;
        }
        n = load(ioPath);
        out[READ_BYTES] = n > 0 ? valueAfter(READ_KEY, n, true) : 0;
        out[WRITTEN_BYTES] = n > 0 ? valueAfter(WRITE_KEY, n, true) : 0;
        n = load(statusPath);
        out[VOLUNTARY_SWITCHES] = n > 0 ? valueAfter(VOLUNTARY_KEY, n, false) : 0;
        out[INVOLUNTARY_SWITCHES] = n > 0 ? valueAfter(INVOLUNTARY_KEY, n, false) : 0;
        return true;
    }

    /** Open file descriptors, or -1 when they cannot be listed. Costs a directory walk: call it sparingly. */
    long openFiles() {
        long count = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path ignored : fds) {
                count++;
            }
            return count;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Sum over the threads of the time they were runnable but waiting for a CPU (schedstat field 2), or 0. */
    long runQueueNanos() {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDir)) {
            for (Path task : tasks) {
                int n = load(task.resolve("schedstat").toString());
                int i = 0;
                while (i < n && buffer[i] != ' ') {
                    i++;
                }
                int start = ++i;
                while (i < n && buffer[i] != ' ') {
                    i++;
                }
                if (start < i) {
                    sum += number(start, i);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return sum;
    }

    private int load(String path) {
        try (FileInputStream in = new FileInputStream(path)) {
            int n = 0;
            int r;
            while (n < buffer.length && (r = in.read(buffer, n, buffer.length - n)) > 0) {
                n += r;
            }
            return n;
        } catch (IOException e) {
            return -1;
        }
    }

    private long valueAfter(byte[] key, int n, boolean atLineStart) {
        outer:
        for (int i = 0; i + key.length <= n; i++) {
            if (atLineStart && i > 0 && buffer[i - 1] != '\n') {
                continue;
            }
            for (int k = 0; k < key.length; k++) {
                if (buffer[i + k] != key[k]) {
                    continue outer;
                }
            }
            int j = i + key.length;
            while (j < n && (buffer[j] == ' ' || buffer[j] == '\t')) {
                j++;
            }
            int start = j;
            while (j < n && buffer[j] >= '0' && buffer[j] <= '9') {
                j++;
            }
            return number(start, j);
        }
        return 0;
    }

    private long number(int from, int to) {
        long v = 0;
        boolean negative = from < to && buffer[from] == '-';
        for (int i = negative ? from + 1 : from; i < to; i++) {
            v = v * 10 + (buffer[i] - '0');
        }
        return negative ? -v : v;
    }
}
