package io.perfplan.cli;

import io.perfplan.plan.PlanException;
import io.perfplan.plan.Problem;
import io.perfplan.store.StoreException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point: runs a picocli command and maps failures to the documented exit codes. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // secrets a run resolves are masked in everything this process prints, whoever prints it
        System.setOut(MaskedOutput.wrap(System.out));
        System.setErr(MaskedOutput.wrap(System.err));
        int code = execute(args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    public static int execute(String... args) {
        EarlyOpen.begin(args);
        try {
            return executeParsed(args);
        } finally {
            EarlyOpen.discard();
        }
    }

    private static int executeParsed(String... args) {
        // picocli probes for Groovy closures in annotations, which would load Groovy (~100 ms) at every start
        System.setProperty("picocli.disable.closures", "true");
        CommandLine cli = new CommandLine(new PerfplanCommand());
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("perfplan: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try 'perfplan " + ex.getCommandLine().getCommandName() + " --help'.");
            return ExitCode.INVALID;
        });
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli.execute(args);
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        boolean debug = parsed.expandedArgs().contains("--debug");
        int code;
        if (e instanceof PlanException pe) {
            for (Problem p : pe.problems()) {
                err.println(p);
            }
            err.println(pe.problems().size() == 1 ? "1 problem; the plan was not run." : pe.problems().size() + " problems; the plan was not run.");
            code = ExitCode.INVALID;
        } else if (e instanceof UsageException || e instanceof IllegalArgumentException) {
            err.println("perfplan: " + e.getMessage());
            code = ExitCode.INVALID;
        } else if (e instanceof StoreException) {
            err.println("perfplan: " + e.getMessage());
            code = ExitCode.INTERNAL;
        } else {
            err.println("perfplan could not work: " + (e.getMessage() == null ? e.getClass().getName() : e.getMessage())
                    + (debug ? "" : " (run with --debug for details)"));
            code = ExitCode.INTERNAL;
        }
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
