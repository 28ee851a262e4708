package io.perfplan.core.sampling;

import java.io.IOException;
import java.io.OutputStream;
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

    private final OutputStream lines;

    private GroupGuard(OutputStream lines) {
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
        try {
            Process p = new ProcessBuilder(perl, "-e", SCRIPT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new GroupGuard(p.getOutputStream());
        } catch (IOException e) {
            return null;
        }
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
        try {
            lines.write(line.getBytes(StandardCharsets.US_ASCII));
            lines.flush();
        } catch (IOException e) {
            // the guard is gone: commands run unguarded, as without perl
        }
    }
}
