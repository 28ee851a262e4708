package io.perfplan.core.deploy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs a user's own deploy (or rollback) command — kubectl, helm, ansible, a script — to the end,
 * keeping the last 64 KiB of its combined output. A command still running after {@code timeout}, or
 * when {@code cancelled} turns true, is ended with its children.
 *
 * @param argv        program and arguments
 * @param directory   working directory
 * @param environment complete environment (with PERFPLAN_SERVICE, PERFPLAN_VERSION, PERFPLAN_ENVIRONMENT added by the caller)
 * @param timeout     longest the command may run
 */
public record DeployCommand(List<String> argv, Path directory, Map<String, String> environment, Duration timeout) {

    private static final int KEEP_BYTES = 64 * 1024;

    public DeployCommand {
        if (argv == null || argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
            throw new IllegalArgumentException("the deploy command is empty; give it as a list, e.g. [kubectl, apply, -f, app.yaml]");
        }
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    /**
     * How the command ended.
     *
     * @param exitCode the exit code, or -1 when it was ended for taking too long or being cancelled
     * @param output   the tail of its combined stdout and stderr
     * @param why      null when it exited on its own, else why it was ended
     */
    public record Result(int exitCode, String output, String why) {
        public boolean succeeded() {
            return exitCode == 0 && why == null;
        }
    }

    /** Runs the command; {@code started} receives the process (e.g. to register it for cancellation). */
    public Result run(Consumer<Process> started, BooleanSupplier cancelled) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(OrphanGuard.guarded(argv, directory)).directory(directory.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start the deploy command " + argv.get(0) + ": " + e.getMessage(), e);
        }
        started.accept(p);
        byte[][] tail = new byte[1][];
        Thread reader = new Thread(() -> tail[0] = readTail(p.getInputStream()), "perfplan-deploy-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        String why = null;
        while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
            if (cancelled.getAsBoolean()) {
                why = "cancelled";
            } else if (System.nanoTime() - deadline > 0) {
                why = "still running after " + timeout.toSeconds() + " s";
            }
            if (why != null) {
                ServiceProcess.stopTree(p.toHandle(), Duration.ofSeconds(2));
                break;
            }
        }
        reader.join(2000);
        String output = tail[0] == null ? "" : new String(tail[0], StandardCharsets.UTF_8);
        return new Result(why == null ? p.exitValue() : -1, output, why);
    }

    private static byte[] readTail(InputStream in) {
        byte[] ring = new byte[KEEP_BYTES];
        long total = 0;
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    ring[(int) ((total + i) % KEEP_BYTES)] = buf[i];
                }
                total += n;
            }
        } catch (IOException ignored) {
            // the process ended; keep what was read
        }
        int size = (int) Math.min(total, KEEP_BYTES);
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = ring[(int) ((total - size + i) % KEEP_BYTES)];
        }
        return out;
    }
}
