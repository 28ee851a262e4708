package io.perfplan.core.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A long-lived service process that perfplan starts and stops but does not own: it runs in its own
 * session (via {@code setsid} when the system has it), so ending the perfplan run or a Ctrl-C does
 * not end it, and its output goes to a log file. It is identified by pid and start time, so a pid
 * reused by another process is never signalled.
 *
 * @param pid            the process id
 * @param startedAtMillis the process's start time (epoch ms) as the OS reports it, 0 when unknown
 * @param logFile        where its stdout and stderr go (appended)
 */
public record ServiceProcess(long pid, long startedAtMillis, Path logFile) {

    /** util-linux's setsid; where the system has none (macOS), the service shares perfplan's process group. */
    private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of)
            .filter(Files::isExecutable).findFirst();

    /**
     * What to start.
     *
     * @param argv        program and arguments
     * @param directory   working directory
     * @param environment the complete environment of the process
     * @param logFile     file its output is appended to (its folder is created)
     */
    public record Launch(List<String> argv, Path directory, Map<String, String> environment, Path logFile) {
        public Launch {
            if (argv == null || argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
                throw new IllegalArgumentException("`start` is empty; give the service's command as a list, e.g. [java, -jar, app.jar]");
            }
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
        }
    }

    /** Starts the process detached from this one; throws {@link IOException} with a readable message when it cannot. */
    public static ServiceProcess start(Launch launch) throws IOException {
        requireProgram(launch);
        Files.createDirectories(launch.logFile().toAbsolutePath().getParent());
        List<String> argv = new ArrayList<>();
        // setsid execs the program itself (perfplan's child is no group leader): the pid stays the service's
        SETSID.ifPresent(setsid -> argv.add(setsid.toString()));
        argv.addAll(launch.argv());
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(launch.directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(launch.environment());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + launch.argv().get(0) + ": " + e.getMessage()
                    + "; check that the program exists and `start` names it (relative to " + launch.directory() + ")", e);
        }
        long started = p.toHandle().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return new ServiceProcess(p.pid(), started, launch.logFile());
    }

    /** setsid would start and then fail to run a missing program, so look for it first, as exec would. */
    private static void requireProgram(Launch launch) throws IOException {
        String program = launch.argv().get(0);
        if (program.contains("/")) {
            Path p = launch.directory().resolve(program);
            if (!Files.isExecutable(p)) {
                throw new IOException("cannot start " + program + ": " + p + " is not an executable file; check `start`");
            }
            return;
        }
        String path = launch.environment().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw new IOException("cannot start " + program + ": no such program on the PATH; check `start` or the PATH in the plan's env");
    }

    /** The running process, if this pid is still the process that was started. */
    public Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> startedAtMillis == 0
                || h.info().startInstant().map(i -> Math.abs(i.toEpochMilli() - startedAtMillis) < 1000).orElse(true));
    }

    public boolean isAlive() {
        return handle().isPresent();
    }

    /**
     * Ends the process and its descendants: SIGTERM, then SIGKILL to whatever is left after
     * {@code grace}. Returns false when it was not running any more.
     */
    public boolean stop(Duration grace) {
        Optional<ProcessHandle> h = handle();
        if (h.isEmpty()) {
            return false;
        }
        stopTree(h.get(), grace);
        return true;
    }

    /** The last {@code maxLines} lines of the log file (empty when there is none). */
    public String logTail(int maxLines) {
        return tail(logFile, maxLines);
    }

    static String tail(Path file, int maxLines) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** TERM to the process and its descendants, KILL to those left after {@code grace}; waits for them to end. */
    static void stopTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(0, root);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : all) {
            waitFor(h, deadline - System.nanoTime());
            if (h.isAlive()) {
                h.destroyForcibly();
                waitFor(h, Duration.ofSeconds(5).toNanos());
            }
        }
    }

    private static void waitFor(ProcessHandle h, long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            h.onExit().get(nanos, TimeUnit.NANOSECONDS);
        } catch (Exception ignored) {
            // still alive; the caller decides
        }
    }
}
