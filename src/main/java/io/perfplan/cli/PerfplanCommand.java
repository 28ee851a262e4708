package io.perfplan.cli;

import picocli.CommandLine.Command;

/** The top-level command; each subcommand is a small class. */
@Command(name = "perfplan", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "A workflow engine for performance engineering: deploy, load, profile, gate and keep the history.",
        subcommands = {
                RunCommand.class,
                ValidateCommand.class,
                ActionsCommand.class,
                SchemaCommand.class,
                HistoryCommand.class,
                ShowCommand.class,
                BaselineCommand.class,
                TrendCommand.class,
                DemoServiceCommand.class,
                ServeCommand.class,
                ScheduleCommand.class,
                DeploymentsCommand.class,
                picocli.CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 passed, 1 the run failed, 2 invalid plan or command line, 3 perfplan could not work."})
public final class PerfplanCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
