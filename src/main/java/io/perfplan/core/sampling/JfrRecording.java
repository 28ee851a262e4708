package io.perfplan.core.sampling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts Java Flight Recordings with the "profile" settings: either in a JVM perfplan launches
 * ({@link #launchedWith}) or in a running JVM through {@code jcmd} ({@link #attach}, then
 * {@link #stop}). The recording is then read with {@link JfrReader}.
 */
public final class JfrRecording {

    private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(30);

    private final CommandRunner runner;
    private final long pid;
    private final String name;
    private final Path file;

    private JfrRecording(CommandRunner runner, long pid, String name, Path file) {
        this.runner = runner;
        this.pid = pid;
        this.name = name;
        this.file = file;
    }

    /** True when the command's program is a {@code java} launcher. */
    public static boolean isJava(CommandSpec command) {
        return Path.of(command.argv().get(0)).getFileName().toString().equals("java");
    }

    /**
     * The command with a flight recording to {@code file}: {@code -XX:StartFlightRecording} after the
     * program when it is {@code java}, otherwise through {@code JDK_JAVA_OPTIONS} (which every
     * {@code java} launcher the command starts picks up, e.g. from a shell script).
     */
    public static CommandSpec launchedWith(CommandSpec command, Path file) {
        String option = "-XX:StartFlightRecording=filename=" + file + ",settings=profile,dumponexit=true";
        if (isJava(command)) {
            List<String> argv = new ArrayList<>(command.argv());
            argv.add(1, option);
            return command.withArgv(argv);
        }
        Map<String, String> env = new HashMap<>(command.env());
        String existing = env.getOrDefault("JDK_JAVA_OPTIONS", System.getenv().getOrDefault("JDK_JAVA_OPTIONS", ""));
        env.put("JDK_JAVA_OPTIONS", (existing + " " + option).strip());
        return command.withEnv(env);
    }

    /**
     * Starts a recording in the running JVM {@code pid} that will be written to {@code file}.
     *
     * @throws IOException with a sentence saying what to fix when jcmd is missing or the JVM refused
     */
    public static JfrRecording attach(CommandRunner runner, long pid, Path file) throws IOException {
        if (!isJvm(pid)) {
            throw new IOException("Process " + pid + " is not a JVM (it has no libjvm.so loaded), so it cannot be "
                    + "recorded with jfr; choose the Java process or drop jfr.");
        }
        String name = "perfplan-" + pid + "-" + System.nanoTime();
        JfrRecording recording = new JfrRecording(runner, pid, name, file);
        CommandResult r = recording.jcmd("JFR.start", "name=" + name, "settings=profile", "filename=" + file, "dumponexit=true");
        if (r.exitCode() != 0 || !r.stdout().contains("Started recording")) {
            throw new IOException("Could not start a flight recording in process " + pid + " (" + firstLine(r)
                    + "); check that it is a JVM (Java 11 or newer) run by the same user as perfplan.");
        }
        return recording;
    }

    /**
     * Stops the recording and writes it to the file; a JVM that exited meanwhile has already written
     * it on exit. Returns the file.
     */
    public Path stop() throws IOException {
        CommandResult r = jcmd("JFR.stop", "name=" + name, "filename=" + file);
        if ((r.exitCode() != 0 || !r.stdout().contains("Stopped recording")) && !Files.isRegularFile(file)) {
            throw new IOException("Could not stop the flight recording in process " + pid + " (" + firstLine(r)
                    + "); the JVM may have exited before it could write the recording.");
        }
        return file;
    }

    /** Whether the process has HotSpot loaded; checked first because jcmd waits 10 s before giving up on other processes. */
    static boolean isJvm(long pid) {
        Path maps = Path.of("/proc", String.valueOf(pid), "maps");
        try (java.util.stream.Stream<String> lines = Files.lines(maps)) {
            return lines.anyMatch(l -> l.endsWith("/libjvm.so"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return Files.isDirectory(maps.getParent()); // exists but unreadable: let jcmd decide
        }
    }

    private CommandResult jcmd(String... command) throws IOException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            throw new CommandLaunchException("jcmd was not found in " + jcmd.getParent()
                    + "; run perfplan with a full JDK (not a JRE) to use jfr.");
        }
        List<String> argv = new ArrayList<>(List.of(jcmd.toString(), "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", String.valueOf(pid)));
        argv.addAll(List.of(command));
        return runner.run(CommandSpec.of(argv.toArray(String[]::new)).withTimeout(JCMD_TIMEOUT));
    }

    private static String firstLine(CommandResult r) {
        String text = (r.stdout() + "\n" + r.stderr()).strip();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.matches("\\d+:")) {
                return line.strip();
            }
        }
        return "exit code " + r.exitCode();
    }
}
