package io.perfplan.core.sampling;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.nio.charset.StandardCharsets;

/**
 * Ends the process groups of directly spawned commands when this JVM dies, however it died (even
 * SIGKILL): one small perl process per JVM reads "+PGID" and "-PGID" lines on its stdin as commands
 * start and end, and when its stdin reaches end of file — the JVM, the pipe's only writer, is gone —
 * sends TERM to every group still running, then KILL to those left after two seconds. Commands run
 * through the fork reporter have a guard of their own (the lifeline); this one serves the runner
 * that spawns commands itself ({@link CommandRunner#direct()}), at the cost of one pipe write per
 * command. A command that starts in the instant before the JVM dies, before its line is written,
 * is not covered. Without perl, nothing is guarded.
 *
 * <p>The guard is spawned with {@code posix_spawn}, not {@link ProcessBuilder}: the JDK would park a
 * reaper thread in {@code wait4} for it, and the JVM waits up to 300 ms at exit for threads inside
 * native code. Nobody waits for the guard; it outlives the JVM by a moment and is reaped by init.
 */
final class GroupGuard {

    private static final String SCRIPT = String.join("\n",
            "$SIG{TERM} = $SIG{INT} = $SIG{HUP} = $SIG{PIPE} = 'IGNORE';",
            "my %groups;",
            "while (my $line = <STDIN>) {",
            "  if ($line =~ /^\\+(\\d+)$/) { $groups{$1} = 1; } elsif ($line =~ /^-(\\d+)$/) { delete $groups{$1}; }",
            "}",
            "my @left = keys %groups;",
            "exit 0 unless @left;",
            "kill('TERM', map { -$_ } @left);",
            "for (1 .. 40) { @left = grep { kill(0, -$_) } @left; last unless @left; select(undef, undef, undef, 0.05); }",
            "kill('KILL', map { -$_ } @left) if @left;",
            "exit 0;");

    private static volatile GroupGuard instance;

    /** The write end of the guard's stdin (close-on-exec: no child inherits it). */
    private final int lines;
    private boolean broken;

    private GroupGuard(int lines) {
        this.lines = lines;
    }

    /** The JVM's guard, started on first use; null when perl is missing or could not start. */
    static GroupGuard get(String perl) {
        GroupGuard g = instance;
        if (g == null && perl != null) {
            synchronized (GroupGuard.class) {
                g = instance;
                if (g == null) {
                    g = start(perl);
                    instance = g;
                }
            }
        }
        return g;
    }

    private static GroupGuard start(String perl) {
        LinuxLibC c = LinuxLibC.C;
        int[] pipe = new int[2];
        if (c.pipe2(pipe, LinuxLibC.O_CLOEXEC) != 0) {
            return null;
        }
        Memory actions = new Memory(LinuxLibC.FILE_ACTIONS_BYTES);
        Memory attr = new Memory(LinuxLibC.SPAWN_ATTR_BYTES);
        IntByReference pid = new IntByReference();
        int rc;
        c.posix_spawn_file_actions_init(actions);
        c.posix_spawnattr_init(attr);
        try {
            c.posix_spawn_file_actions_adddup2(actions, pipe[0], 0);
            c.posix_spawn_file_actions_addopen(actions, 1, "/dev/null", LinuxLibC.O_WRONLY, 0);
            c.posix_spawn_file_actions_addopen(actions, 2, "/dev/null", LinuxLibC.O_WRONLY, 0);
            // its own process group: a terminal's Ctrl-C, or a kill of a command's group, never reaches it
            c.posix_spawnattr_setpgroup(attr, 0);
            c.posix_spawnattr_setflags(attr, LinuxLibC.POSIX_SPAWN_SETPGROUP);
            rc = c.posix_spawn(pid, perl, actions, attr, new String[] {"perl", "-e", SCRIPT}, new String[] {"PATH=/usr/bin:/bin"});
        } finally {
            c.posix_spawn_file_actions_destroy(actions);
            c.posix_spawnattr_destroy(attr);
            c.close(pipe[0]);
        }
        if (rc != 0) {
            c.close(pipe[1]);
            return null;
        }
        return new GroupGuard(pipe[1]);
    }

    /** The command whose process group is {@code pgid} has started. */
    void started(int pgid) {
        write("+" + pgid + "\n");
    }

    /** The command whose process group is {@code pgid} has ended (and was reaped). */
    void ended(int pgid) {
        write("-" + pgid + "\n");
    }

    private synchronized void write(String line) {
        if (broken) {
            return;
        }
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        // a line is far below PIPE_BUF, so it is written whole; -1 means the guard is gone (EPIPE;
        // the JVM ignores SIGPIPE): commands then run unguarded, as without perl
        broken = LinuxLibC.C.write(lines, bytes, bytes.length) != bytes.length;
    }
}
