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
 * that spawns commands itself ({@link CommandRunner#direct()}), at the cost of two pipe writes per
 * command. A command that starts in the instant before the JVM dies, before its group is written,
 * is covered too: each spawn is announced first ("?TOKEN") and carries the token in its environment
 * ({@link #SPAWN_TOKEN}); a token still unresolved at end of file is looked up in
 * {@code /proc/PID/environ}, and the groups of the processes carrying it are ended with the others.
 * Without perl, nothing is guarded.
 *
 * <p>The guard is spawned with {@code posix_spawn}, not {@link ProcessBuilder}: the JDK would park a
 * reaper thread in {@code wait4} for it, and the JVM waits up to 300 ms at exit for threads inside
 * native code. Nobody waits for the guard; it outlives the JVM by a moment and is reaped by init.
 */
final class GroupGuard {

    /** The environment variable that carries a spawn's token to the command and its children. */
    static final String SPAWN_TOKEN = "PERFPLAN_SPAWN";

    static final String SCRIPT = String.join("\n",
            "$SIG{TERM} = $SIG{INT} = $SIG{HUP} = $SIG{PIPE} = 'IGNORE';",
            "my (%groups, %pending);",
            "while (my $line = <STDIN>) {",
            "  if ($line =~ /^\\?(\\S+)$/) { $pending{$1} = 1; }",
            "  elsif ($line =~ /^\\+(\\d+) (\\S+)$/) { $groups{$1} = 1; delete $pending{$2}; }",
            "  elsif ($line =~ /^-(\\d+)$/) { delete $groups{$1}; }",
            "}",
            "for my $try (1 .. 2) {",
            "  last unless %pending;",
            "  select(undef, undef, undef, 0.05) if $try > 1;",
            "  opendir(my $proc, '/proc') or last;",
            "  for my $p (grep { /^\\d+$/ } readdir($proc)) {",
            "    open(my $e, '<', \"/proc/$p/environ\") or next;",
            "    my $env = do { local $/; <$e> }; close($e);",
            "    next unless defined $env;",
            "    for my $t (keys %pending) {",
            "      if ($env =~ /(?:^|\\0)" + SPAWN_TOKEN + "=\\Q$t\\E(?:\\0|$)/) { my $g = getpgrp($p); $groups{$g} = 1 if $g > 1; }",
            "    }",
            "  }",
            "  closedir($proc);",
            "}",
            "my @left = keys %groups;",
            "exit 0 unless @left;",
            "kill('TERM', map { -$_ } @left);",
            "for (1 .. 40) { @left = grep { kill(0, -$_) } @left; last unless @left; select(undef, undef, undef, 0.05); }",
            "kill('KILL', map { -$_ } @left) if @left;",
            "exit 0;");

    private static volatile GroupGuard instance;

    private final java.util.concurrent.atomic.AtomicLong spawns = new java.util.concurrent.atomic.AtomicLong();

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

    /** Announces a spawn about to happen; returns its token, for the command's environment. */
    String spawning() {
        String token = ProcessHandle.current().pid() + "." + spawns.incrementAndGet();
        write("?" + token + "\n");
        return token;
    }

    /** The command spawned with {@code token}, whose process group is {@code pgid}, has started. */
    void started(int pgid, String token) {
        write("+" + pgid + " " + token + "\n");
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
