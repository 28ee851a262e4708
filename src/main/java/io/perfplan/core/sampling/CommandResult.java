package io.perfplan.core.sampling;

import java.time.Duration;

/**
 * What one run of a command used, as the kernel accounted it when the child was reaped.
 *
 * @param exitCode         the exit status, or 128 + signal number when a signal ended the process
 * @param wall             from just before the spawn to the moment the child was seen to exit
 * @param userCpu          user CPU time of the child and of every descendant it waited for
 * @param sysCpu           system CPU time, same scope as {@code userCpu}
 * @param peakRssBytes     largest resident set of the child or of any descendant it waited for; -1 when unknown
 *                         (see {@link CommandRunner})
 * @param stdout           the first {@code captureLimitBytes} of standard output, decoded as UTF-8
 * @param stderr           the first {@code captureLimitBytes} of standard error, decoded as UTF-8
 * @param stdoutTruncated  true when standard output was longer than the limit
 * @param stderrTruncated  true when standard error was longer than the limit
 * @param timedOut         true when the time limit was reached and the process tree was killed
 * @param readBytes        bytes the child and its waited-for descendants read from storage (block I/O;
 *                         reads served from the page cache are not counted)
 * @param writtenBytes     bytes written to storage, same scope as {@code readBytes}
 * @param voluntarySwitches   times a thread gave up the CPU to wait (I/O, sleep, lock), same scope
 * @param involuntarySwitches times a runnable thread was preempted (CPU contention), same scope
 */
public record CommandResult(int exitCode, Duration wall, Duration userCpu, Duration sysCpu, long peakRssBytes,
                            String stdout, String stderr, boolean stdoutTruncated, boolean stderrTruncated,
                            boolean timedOut, long readBytes, long writtenBytes,
                            long voluntarySwitches, long involuntarySwitches) {

    /** User plus system CPU time. */
    public Duration cpu() {
        return userCpu.plus(sysCpu);
    }

    /** Average number of cores busy during the run: CPU time divided by wall time. */
    public double coresBusy() {
        return wall.isZero() ? 0 : (double) cpu().toNanos() / wall.toNanos();
    }

    /** The last few lines of stderr (or stdout when stderr is empty), for an error message. */
    public String tail() {
        String text = stderr.isBlank() ? stdout : stderr;
        String[] lines = text.strip().split("\n");
        int from = Math.max(0, lines.length - 3);
        return String.join(" | ", java.util.Arrays.copyOfRange(lines, from, lines.length)).strip();
    }
}
