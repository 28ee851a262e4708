package io.perfplan.core.sampling;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command to run once: the program and its arguments, the working directory, environment
 * variables added to (or overriding) this process's environment, a time limit after which the whole
 * process tree is killed, and how many bytes of stdout and of stderr to keep.
 *
 * @param argv              program then arguments; a program without {@code /} is looked up on the PATH
 *                          of the child's environment
 * @param cwd               working directory; {@code null} means this process's current directory
 * @param env               variables set for the child on top of the inherited environment; {@code null} means none
 * @param timeout           wall-time limit; {@code null} or zero means none
 * @param captureLimitBytes bytes kept from each of stdout and stderr; the rest is read and discarded
 */
public record CommandSpec(List<String> argv, Path cwd, Map<String, String> env, Duration timeout, int captureLimitBytes) {

    /** The capture limit of the factory methods: 1 MiB of stdout and 1 MiB of stderr. */
    public static final int DEFAULT_CAPTURE_LIMIT_BYTES = 1 << 20;

    public CommandSpec {
        if (argv == null || argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
            throw new IllegalArgumentException("A command needs at least a program name; give e.g. [\"sh\", \"-c\", \"...\"].");
        }
        argv = List.copyOf(argv);
        env = env == null ? Map.of() : Map.copyOf(env);
        timeout = timeout == null || timeout.isNegative() ? Duration.ZERO : timeout;
        if (captureLimitBytes < 0) {
            throw new IllegalArgumentException("captureLimitBytes must be 0 or more, not " + captureLimitBytes + ".");
        }
    }

    /** The program and arguments, run in the current directory, no time limit, 1 MiB captured per stream. */
    public static CommandSpec of(String... argv) {
        return new CommandSpec(List.of(argv), null, null, null, DEFAULT_CAPTURE_LIMIT_BYTES);
    }

    /** A shell command line, run as {@code sh -c script}. */
    public static CommandSpec shell(String script) {
        return of("sh", "-c", script);
    }

    public CommandSpec withArgv(List<String> newArgv) {
        return new CommandSpec(newArgv, cwd, env, timeout, captureLimitBytes);
    }

    public CommandSpec withCwd(Path newCwd) {
        return new CommandSpec(argv, newCwd, env, timeout, captureLimitBytes);
    }

    public CommandSpec withEnv(Map<String, String> newEnv) {
        return new CommandSpec(argv, cwd, newEnv, timeout, captureLimitBytes);
    }

    public CommandSpec withTimeout(Duration newTimeout) {
        return new CommandSpec(argv, cwd, env, newTimeout, captureLimitBytes);
    }

    /** The command as a person would type it, for logs and messages. */
    public String display() {
        StringBuilder sb = new StringBuilder();
        for (String arg : argv) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(arg.isEmpty() || arg.matches(".*[\\s'\"$`\\\\|&;<>()*?].*") ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return sb.toString();
    }
}
