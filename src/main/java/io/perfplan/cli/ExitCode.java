package io.perfplan.cli;

/** The documented exit codes of every perfplan command. */
public final class ExitCode {
    /** The run passed, or the command did what was asked. */
    public static final int OK = 0;
    /** The run failed: a step or a gate failed. */
    public static final int RUN_FAILED = 1;
    /** The plan or the command line is invalid. */
    public static final int INVALID = 2;
    /** perfplan itself could not work (database, internal error). */
    public static final int INTERNAL = 3;

    private ExitCode() {}
}
