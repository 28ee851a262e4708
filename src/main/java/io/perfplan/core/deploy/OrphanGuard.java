package io.perfplan.core.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Makes a deploy or health command end when perfplan's JVM dies, however it dies (even SIGKILL), as
 * a Ctrl-C would have ended it: a small perl parent starts the command in a process group of its own,
 * watches this JVM and the command through pidfds, sends the group TERM (KILL two seconds later) when
 * the JVM is gone, and otherwise exits as the command did. Without perl or pidfd_open (Linux 5.3) the
 * command runs unguarded. Deployed services are not guarded: they are meant to outlive perfplan.
 */
final class OrphanGuard {

    private OrphanGuard() {}

    /** Exits 125 at once if perfplan is already gone; else runs the command, as described above. */
    private static final String GUARD = String.join("\n",
            "my ($pfo, $parent, $prog) = splice(@ARGV, 0, 3);",
            "my $pp = syscall($pfo + 0, $parent + 0, 0);",
            "exit 125 if getppid() != $parent;",
            "my $pid = fork();",
            "if (!defined $pid) { print STDERR \"perfplan: cannot fork: $!\\n\"; exit 126; }",
            "if ($pid == 0) { setpgrp(0, 0); exec { $prog } @ARGV; print STDERR \"perfplan: cannot run $prog: $!\\n\"; exit 127; }",
            "$SIG{TERM} = $SIG{INT} = $SIG{HUP} = 'IGNORE';",
            "my $cp = syscall($pfo + 0, $pid, 0);",
            "if ($pp >= 0 && $cp >= 0) {",
            "  my $rin = ''; vec($rin, $pp, 1) = 1; vec($rin, $cp, 1) = 1;",
            "  while (1) {",
            "    my $n = select(my $rout = $rin, undef, undef, undef);",
            "    if ($n < 0) { last if $! + 0 != 4; next; }",
            "    if (vec($rout, $pp, 1)) {",
            "      kill('TERM', -$pid);",
            "      my $exited = ''; vec($exited, $cp, 1) = 1;",
            "      select($exited, undef, undef, 2);",
            "      kill('KILL', -$pid);",
            "      exit 137;",
            "    }",
            "    last;",
            "  }",
            "}",
            "waitpid($pid, 0);",
            "exit($? >> 8) if ($? & 127) == 0;",
            "my $sig = $? & 127;",
            "$SIG{TERM} = $SIG{INT} = $SIG{HUP} = 'DEFAULT';",
            "kill($sig, $$);",
            "exit 128 + $sig;");

    /** pidfd_open's number (the same on x86_64 and aarch64), or -1 where the guard is not supported. */
    private static final int PIDFD_OPEN = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64", "aarch64" -> 434;
        default -> -1;
    };

    private static final Optional<Path> PERL = PIDFD_OPEN < 0 || !System.getProperty("os.name", "").toLowerCase().contains("linux")
            ? Optional.empty()
            : Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                    .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "perl")).filter(Files::isExecutable).findFirst();

    /**
     * The argv that runs {@code argv} (started in {@code cwd}) under the guard, or {@code argv} itself
     * where there is no guard or the program cannot be found, so that starting it fails as it always did.
     */
    static List<String> guarded(List<String> argv, Path cwd) {
        Optional<Path> program = PERL.isEmpty() ? Optional.empty() : resolve(argv.get(0), cwd);
        if (program.isEmpty()) {
            return argv;
        }
        List<String> out = new ArrayList<>(List.of(PERL.get().toString(), "-e", GUARD, "--",
                String.valueOf(PIDFD_OPEN), String.valueOf(ProcessHandle.current().pid()), program.get().toString()));
        out.addAll(argv);
        return out;
    }

    /** The program as {@link ProcessBuilder} finds it: a name with a slash from {@code cwd}, any other on this JVM's PATH. */
    private static Optional<Path> resolve(String program, Path cwd) {
        if (program.contains("/")) {
            return Optional.of(cwd.resolve(program).toAbsolutePath()).filter(Files::isExecutable).filter(p -> !Files.isDirectory(p));
        }
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, program).toAbsolutePath()).filter(p -> Files.isExecutable(p) && !Files.isDirectory(p)).findFirst();
    }
}
