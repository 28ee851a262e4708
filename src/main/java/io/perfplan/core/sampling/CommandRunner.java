package io.perfplan.core.sampling;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a command and reports exactly what it used: wall time, user and system CPU, peak RSS and exit
 * code, taken from the kernel's accounting when the child is reaped, so the figures cover the child and
 * every descendant it waited for, with no polling and no attribution races between runs that happen at
 * the same time. Output is captured up to a byte limit per stream; a time limit kills the whole process
 * tree. Linux only (glibc {@code posix_spawn}, {@code waitid}, {@code wait4}). Thread-safe.
 *
 * <p>Why a fork intermediate: a child spawned from the JVM (vfork or fork) inherits the JVM's memory
 * high-water mark in the kernel's {@code maxrss}, so a 2 MB command would report the JVM's 150 MB. When
 * {@code perl} is on the PATH (it is essential on Debian and Ubuntu), a tiny perl process forks the
 * command, times it with the monotonic clock and reports {@code getrusage(RUSAGE_CHILDREN)} on a
 * private pipe; the command's peak RSS is then exact (with a floor of about 2 MB, the forking perl's
 * own size, as with GNU time). Without perl the command is spawned directly and the peak RSS is
 * reported only when it exceeds the JVM's own peak (else {@code -1}).
 *
 * <p>{@link #direct()} makes a runner that always spawns the command itself, for callers that report
 * time and CPU only: wall time and CPU are exact either way (wall from just before the spawn to the
 * reaping {@code wait4}, CPU from its rusage), and starting no perl saves 2-3 ms per command. Its
 * commands are ended with the JVM by one {@link GroupGuard} per JVM instead of a perl per command.
 *
 * <p>Each command runs in a process group of its own, so a time limit or a cancel can end the whole
 * tree at once; a terminal's Ctrl-C therefore reaches perfplan only, which ends the command through
 * the process handed to {@code onStart}.
 */
public final class CommandRunner {

    private static final ScheduledExecutorService WATCHDOG = watchdog();

    /**
     * The timer that kills commands at their timeout. A cancelled timeout leaves its queue at once:
     * a step without a timeout schedules one at the end of time, and a long-running {@code serve}
     * would otherwise keep one task (with its process) per command it ever ran.
     */
    private static ScheduledExecutorService watchdog() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "perfplan-command-timeout");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Timeouts waiting in the timer: those of commands still running (for tests). */
    static int pendingTimeouts() {
        return ((ScheduledThreadPoolExecutor) WATCHDOG).getQueue().size();
    }
    private static final Duration OUTPUT_DRAIN_GRACE = Duration.ofMillis(500);
    /**
     * Threads that drain the children's pipes, kept between runs: a new thread per stream would cost
     * its start and, worse, a fresh allocation buffer (TLAB) of several MB each, which fills the young
     * generation of a short CLI run after a few steps.
     */
    private static final java.util.concurrent.ExecutorService CAPTURES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "perfplan-command-output");
        t.setDaemon(true);
        return t;
    });

    /**
     * Forks the command, waits for it, and writes "status wallNanos rusage[18]" to descriptor 3.
     * Descriptor 4 is the lifeline: it reads end of file once this JVM is gone, however it ended
     * (even SIGKILL), and the reporter then ends the command's process group: TERM, then KILL after
     * two seconds. It waits on the lifeline and a pidfd of the command together, so no signal
     * handler races the wait; without pidfd_open (Linux before 5.3) it just waits, unguarded.
     */
    private static final String FORK_REPORTER = String.join("\n",
            "my ($clk, $rus, $pfo, $prog) = splice(@ARGV, 0, 4);",
            "sub now { my $ts = pack('q2', 0, 0); syscall($clk + 0, 1, $ts); my ($s, $n) = unpack('q2', $ts); return $s * 1000000000 + $n; }",
            "my $life; open($life, '<&=', 4) or undef $life;",
            "my $t0 = now();",
            "my $pid = fork();",
            "if (!defined $pid) { print STDERR \"perfplan: cannot fork: $!\\n\"; exit 126; }",
            "if ($pid == 0) { close($life) if $life; exec { $prog } @ARGV; print STDERR \"perfplan: cannot run $prog: $!\\n\"; exit 127; }",
            "$SIG{TERM} = $SIG{INT} = $SIG{HUP} = 'IGNORE';",
            "my $pidfd = $life ? syscall($pfo + 0, $pid, 0) : -1;",
            "if ($pidfd >= 0) {",
            "  my $rin = ''; vec($rin, 4, 1) = 1; vec($rin, $pidfd, 1) = 1;",
            "  while (1) {",
            "    my $n = select(my $rout = $rin, undef, undef, undef);",
            "    if ($n < 0) { last if $! + 0 != 4; next; }",
            "    if (vec($rout, 4, 1)) {",
            "      kill('TERM', -$$);",
            "      my $exited = ''; vec($exited, $pidfd, 1) = 1;",
            "      select($exited, undef, undef, 2);",
            "      kill('KILL', -$$);",
            "    }",
            "    last;",
            "  }",
            "}",
            "waitpid($pid, 0);",
            "my $status = $?;",
            "my $t1 = now();",
            "my $ru = \"\\0\" x 144;",
            "syscall($rus + 0, -1, $ru);",
            "open(my $out, '>&=', 3) or exit 125;",
            "print $out join(' ', $status, $t1 - $t0, unpack('q18', $ru)), \"\\n\";",
            "close($out);",
            "exit 0;");
    /** clock_gettime, getrusage and pidfd_open syscall numbers for this CPU, or null where the reporter is not supported. */
    private static final int[] SYSCALLS = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> new int[] {228, 98, 434};
        case "aarch64" -> new int[] {113, 165, 434};
        default -> null;
    };
    /**
     * The read end of a pipe whose write end only this JVM holds (close-on-exec, never closed): each
     * reporter gets it as descriptor 4 and sees end of file when the JVM dies. -1 when it could not be made.
     */
    private static final int LIFELINE = lifeline();

    private final boolean exactPeakRss;

    /** A runner that measures each command's peak RSS exactly when {@code perl} is there (see the class comment). */
    public CommandRunner() {
        this(true);
    }

    private CommandRunner(boolean exactPeakRss) {
        this.exactPeakRss = exactPeakRss;
    }

    /**
     * A runner that spawns commands without the fork intermediate: their peak RSS is reported only when
     * it exceeds this JVM's own (else {@code -1}); everything else is as exact as with {@link #CommandRunner()}.
     */
    public static CommandRunner direct() {
        return new CommandRunner(false);
    }

    /**
     * Makes the first real run as quick as later ones: loads the C library binding (JNA unpacks and
     * links its native part, 50-100 ms in a fresh JVM) and takes one run of {@code true} through the
     * whole path (binding each libc call, the capture threads, the watchdog), another 20-40 ms.
     * Nothing a user can see; failures are left for the real run to report.
     */
    public static void prepare() {
        try {
            GroupGuard.get(forkReporter(true));
            direct().run(CommandSpec.of("true"));
        } catch (CommandLaunchException | RuntimeException | LinkageError e) {
            // the real run reports it
        }
    }

    /** Runs the command and waits for it to end. */
    public CommandResult run(CommandSpec spec) throws CommandLaunchException {
        return run(spec, p -> { });
    }

    /**
     * Runs the command and waits for it to end; {@code onStart} receives the started process (for
     * cancellation: destroying it ends the whole process tree) before the runner waits for it.
     *
     * @throws CommandLaunchException when the program or the working directory cannot be found or used
     */
    public CommandResult run(CommandSpec spec, Consumer<Process> onStart) throws CommandLaunchException {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            throw new CommandLaunchException("Measuring commands needs Linux; run perfplan on a Linux machine or container.");
        }
        Path cwd = spec.cwd() == null ? Path.of("").toAbsolutePath() : spec.cwd().toAbsolutePath();
        if (!Files.isDirectory(cwd)) {
            throw new CommandLaunchException("Working directory '" + cwd + "' does not exist; create it or fix the cwd.");
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(spec.env());
        String target = resolveProgram(spec.argv().get(0), cwd, env.get("PATH"));
        String reporter = exactPeakRss ? forkReporter() : null;
        String program = reporter == null ? target : reporter;
        List<String> argvList = new ArrayList<>();
        if (reporter != null) {
            argvList.addAll(List.of("perl", "-e", FORK_REPORTER, "--", String.valueOf(SYSCALLS[0]), String.valueOf(SYSCALLS[1]),
                    String.valueOf(SYSCALLS[2]), target));
        }
        argvList.addAll(spec.argv());
        GroupGuard guard = reporter == null ? GroupGuard.get(forkReporter(true)) : null;
        if (guard != null) {
            // registered before the spawn: a JVM that dies before it writes the group is covered too
            env.put(GroupGuard.SPAWN_TOKEN, guard.spawning());
        }
        String[] envp = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        String[] argv = argvList.toArray(String[]::new);
        long ownPeakRssBytes = reporter == null ? ownPeakRssBytes() : 0;

        LinuxLibC c = LinuxLibC.C;
        int[] out = new int[2];
        int[] err = new int[2];
        int[] report = new int[2];
        if (c.pipe2(out, LinuxLibC.O_CLOEXEC) != 0 || c.pipe2(err, LinuxLibC.O_CLOEXEC) != 0
                || c.pipe2(report, LinuxLibC.O_CLOEXEC) != 0) {
            throw new CommandLaunchException("Could not create pipes for '" + spec.display()
                    + "' (errno " + Native.getLastError() + "); raise the open-file limit (ulimit -n).");
        }
        Memory actions = new Memory(LinuxLibC.FILE_ACTIONS_BYTES);
        Memory attr = new Memory(LinuxLibC.SPAWN_ATTR_BYTES);
        Memory emptyMask = new Memory(LinuxLibC.SIGSET_BYTES);
        Memory defaults = new Memory(LinuxLibC.SIGSET_BYTES);
        IntByReference pidRef = new IntByReference();
        long started;
        int rc;
        c.posix_spawn_file_actions_init(actions);
        c.posix_spawnattr_init(attr);
        try {
            c.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", LinuxLibC.O_RDONLY, 0);
            c.posix_spawn_file_actions_adddup2(actions, out[1], 1);
            c.posix_spawn_file_actions_adddup2(actions, err[1], 2);
            c.posix_spawn_file_actions_adddup2(actions, report[1], 3);
            boolean lifeline = reporter != null && LIFELINE >= 0;
            if (lifeline) {
                // LIFELINE is 5 or above, so none of the dup2s above replaced it
                c.posix_spawn_file_actions_adddup2(actions, LIFELINE, 4);
            }
            try {
                c.posix_spawn_file_actions_addchdir_np(actions, cwd.toString());
            } catch (UnsatisfiedLinkError e) {
                c.close(out[0]);
                c.close(err[0]);
                c.close(report[0]);
                throw new CommandLaunchException("This C library has no posix_spawn_file_actions_addchdir_np; "
                        + "run perfplan on Linux with glibc 2.29 or newer.");
            }
            try {
                // Descriptors the JVM opened without close-on-exec must not leak into the child.
                c.posix_spawn_file_actions_addclosefrom_np(actions, lifeline ? 5 : 4);
            } catch (UnsatisfiedLinkError e) {
                // glibc before 2.34: the JVM's own descriptors are close-on-exec; ours are created so.
            }
            c.sigemptyset(emptyMask);
            c.sigemptyset(defaults);
            for (int sig : new int[] {LinuxLibC.SIGHUP, LinuxLibC.SIGINT, LinuxLibC.SIGQUIT, LinuxLibC.SIGPIPE, LinuxLibC.SIGTERM}) {
                c.sigaddset(defaults, sig);
            }
            c.posix_spawnattr_setsigmask(attr, emptyMask);
            c.posix_spawnattr_setsigdefault(attr, defaults);
            // Own process group, so a timeout or a cancel can signal the whole tree at once.
            c.posix_spawnattr_setpgroup(attr, 0);
            c.posix_spawnattr_setflags(attr, (short) (LinuxLibC.POSIX_SPAWN_SETPGROUP
                    | LinuxLibC.POSIX_SPAWN_SETSIGMASK | LinuxLibC.POSIX_SPAWN_SETSIGDEF));
            started = System.nanoTime();
            rc = c.posix_spawn(pidRef, program, actions, attr, argv, envp);
        } finally {
            c.posix_spawn_file_actions_destroy(actions);
            c.posix_spawnattr_destroy(attr);
            c.close(out[1]);
            c.close(err[1]);
            c.close(report[1]);
        }
        if (rc != 0) {
            c.close(out[0]);
            c.close(err[0]);
            c.close(report[0]);
            throw new CommandLaunchException("Could not start '" + spec.display() + "' (errno " + rc
                    + (rc == 2 ? ": a file was not found" : rc == 13 ? ": permission denied" : rc == 8 ? ": not an executable format" : "")
                    + "); check the program path and permissions.");
        }
        int pid = pidRef.getValue();
        if (guard != null) {
            guard.started(pid, env.get(GroupGuard.SPAWN_TOKEN)); // the command leads its own process group
        }
        SpawnedProcess process = new SpawnedProcess(pid);
        StreamCapture stdout = new StreamCapture(out[0], spec.captureLimitBytes());
        StreamCapture stderr = new StreamCapture(err[0], spec.captureLimitBytes());
        StreamCapture reported = new StreamCapture(report[0], 4096);
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = null;
        if (!spec.timeout().isZero()) {
            deadline = WATCHDOG.schedule(() -> {
                timedOut.set(true);
                process.signalTree(LinuxLibC.SIGKILL);
            }, spec.timeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        try {
            onStart.accept(process);
        } catch (RuntimeException e) {
            process.signalTree(LinuxLibC.SIGKILL);
            reap(pid, process, new Memory(LinuxLibC.RUSAGE_BYTES));
            if (guard != null) {
                guard.ended(pid);
            }
            throw e;
        }
        Memory rusage = new Memory(LinuxLibC.RUSAGE_BYTES);
        int status = reap(pid, process, rusage);
        if (guard != null) {
            guard.ended(pid);
        }
        long wallNanos = System.nanoTime() - started;
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (timedOut.get()) {
            // Descendants that left the process group may still hold the pipes open.
            process.signalTree(LinuxLibC.SIGKILL);
        }
        stdout.awaitEnd(OUTPUT_DRAIN_GRACE);
        stderr.awaitEnd(OUTPUT_DRAIN_GRACE);
        reported.awaitEnd(OUTPUT_DRAIN_GRACE);
        long[] usage = new long[18];
        for (int i = 0; i < usage.length; i++) {
            usage[i] = rusage.getLong(8L * i);
        }
        String[] fields = reported.text().strip().split(" ");
        if (reporter != null && fields.length == 20) {
            status = Integer.parseInt(fields[0]);
            wallNanos = Long.parseLong(fields[1]);
            for (int i = 0; i < usage.length; i++) {
                usage[i] = Long.parseLong(fields[i + 2]);
            }
        }
        int exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
        process.complete(exitCode);
        Duration user = Duration.ofSeconds(usage[0], usage[1] * 1000);
        Duration sys = Duration.ofSeconds(usage[2], usage[3] * 1000);
        long maxRssBytes = usage[4] * 1024;
        if (reporter == null && maxRssBytes <= ownPeakRssBytes) {
            maxRssBytes = -1; // only the JVM's inherited high-water mark is known
        }
        return new CommandResult(exitCode, Duration.ofNanos(wallNanos), user, sys, maxRssBytes,
                stdout.text(), stderr.text(), stdout.truncated(), stderr.truncated(), timedOut.get(),
                usage[11] * 512, usage[12] * 512, usage[16], usage[17]);
    }

    private static volatile String perlPath;

    /**
     * True when runs are measured through the fork reporter, so every run's peak RSS is exact; false
     * when {@code perl} is missing and a run's peak RSS is reported only above this JVM's own peak.
     */
    public static boolean measuresPeakRssExactly() {
        return forkReporter() != null;
    }

    /** The perl that forks and measures commands, or null when there is none (or the CPU is not supported). */
    private static String forkReporter() {
        return forkReporter(false);
    }

    /** The perl on the PATH, or null; {@code anyCpu} also where the fork reporter's syscalls are unknown (the group guard needs none). */
    private static String forkReporter(boolean anyCpu) {
        if ((SYSCALLS == null && !anyCpu) || Boolean.getBoolean("perfplan.sampling.direct")) {
            return null;
        }
        String found = perlPath;
        if (found == null) {
            try {
                found = resolveProgram("perl", Path.of("/"), System.getenv("PATH"));
            } catch (CommandLaunchException e) {
                found = "";
            }
            perlPath = found;
        }
        return found.isEmpty() ? null : found;
    }

    private static int lifeline() {
        int[] fds = new int[2];
        // the write end's only holder is this JVM: close-on-exec keeps it from every child
        if (LinuxLibC.C.pipe2(fds, LinuxLibC.O_CLOEXEC) != 0) {
            return -1;
        }
        if (fds[0] >= 5) {
            return fds[0];
        }
        // above the descriptors a spawn sets up (0-4), so no dup2 of a spawn replaces it before it is passed on
        int high = LinuxLibC.C.fcntl(fds[0], LinuxLibC.F_DUPFD_CLOEXEC, 5);
        LinuxLibC.C.close(fds[0]);
        return high;
    }

    /** This JVM's memory high-water mark (VmHWM), which a directly spawned child inherits. */
    private static long ownPeakRssBytes() {
        // getrusage(RUSAGE_SELF)'s ru_maxrss is the same kernel counter as /proc/self/status's VmHWM
        // (the address space's high-water mark, in KiB), read with one call instead of parsing a file
        // (about 0.2 ms per command)
        Memory usage = new Memory(LinuxLibC.RUSAGE_BYTES);
        if (LinuxLibC.C.getrusage(LinuxLibC.RUSAGE_SELF, usage) != 0) {
            return Long.MAX_VALUE; // treat every reading as unknown
        }
        return usage.getLong(LinuxLibC.RU_MAXRSS_OFFSET) * 1024;
    }

    /**
     * Waits for the child to exit without reaping it (so no signal can hit a recycled pid), then reaps
     * it with {@code wait4}, which fills {@code rusage}. Returns the raw wait status.
     */
    private static int reap(int pid, SpawnedProcess process, Memory rusage) {
        LinuxLibC c = LinuxLibC.C;
        Memory siginfo = new Memory(LinuxLibC.SIGINFO_BYTES);
        while (c.waitid(LinuxLibC.P_PID, pid, siginfo, LinuxLibC.WEXITED | LinuxLibC.WNOWAIT) != 0) {
            if (Native.getLastError() != LinuxLibC.EINTR) {
                break;
            }
        }
        process.markExited();
        IntByReference status = new IntByReference();
        while (c.wait4(pid, status, 0, rusage) < 0) {
            if (Native.getLastError() != LinuxLibC.EINTR) {
                throw new IllegalStateException("Lost track of child process " + pid + " (errno " + Native.getLastError()
                        + "); another part of this JVM reaped it.");
            }
        }
        return status.getValue();
    }

    /** Finds the program the way a shell would: a name with a slash is a path, anything else is searched on PATH. */
    static String resolveProgram(String name, Path cwd, String path) throws CommandLaunchException {
        if (name.contains("/")) {
            Path p = cwd.resolve(name);
            if (!Files.exists(p)) {
                throw new CommandLaunchException("Command '" + name + "' does not exist; check the path (relative paths start at " + cwd + ").");
            }
            if (Files.isDirectory(p) || !Files.isExecutable(p)) {
                throw new CommandLaunchException("'" + p + "' is not an executable file; check the path or make it executable (chmod +x).");
            }
            return p.toString();
        }
        List<String> dirs = new ArrayList<>();
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":")) {
            dirs.add(dir.isEmpty() ? "." : dir);
        }
        for (String dir : dirs) {
            // java.io.File answers a missing file with false; Files.isRegularFile throws and catches
            // an exception per PATH entry that lacks it (about 20 us each, every command)
            java.io.File f = cwd.resolve(dir).resolve(name).toFile();
            if (f.isFile() && f.canExecute()) {
                return f.getPath();
            }
        }
        throw new CommandLaunchException("Command '" + name + "' was not found on the PATH; check the spelling, install it, or give its full path.");
    }

    /** Drains one pipe on a thread of {@link #CAPTURES}, keeping the first {@code limit} bytes. */
    private static final class StreamCapture implements Runnable {
        private final int fd;
        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean truncated;

        StreamCapture(int fd, int limit) {
            this.fd = fd;
            this.limit = limit;
            CAPTURES.execute(this);
        }

        @Override
        public void run() {
            byte[] buffer = new byte[16384];
            try {
                while (true) {
                    long n = LinuxLibC.C.read(fd, buffer, buffer.length);
                    if (n == 0 || (n < 0 && Native.getLastError() != LinuxLibC.EINTR)) {
                        return;
                    }
                    if (n < 0) {
                        continue;
                    }
                    synchronized (kept) {
                        int room = limit - kept.size();
                        if (n > room) {
                            truncated = true;
                        }
                        kept.write(buffer, 0, (int) Math.min(n, Math.max(room, 0)));
                    }
                }
            } finally {
                LinuxLibC.C.close(fd);
                ended.countDown();
            }
        }

        /** Waits for end of file; a background descendant may keep the pipe open, so the wait is bounded. */
        void awaitEnd(Duration grace) {
            try {
                ended.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }

        boolean truncated() {
            return truncated;
        }
    }
}
