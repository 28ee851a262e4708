package io.perfplan.cli;

import io.perfplan.engine.Action;
import io.perfplan.engine.Cancellation;
import io.perfplan.engine.Engine;
import io.perfplan.engine.RunListener;
import io.perfplan.engine.RunReport;
import io.perfplan.engine.Status;
import io.perfplan.plan.InputsBinder;
import io.perfplan.plan.Plan;
import io.perfplan.plan.Step;
import io.perfplan.plan.Template;
import io.perfplan.store.Database;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs a plan and records it in the history. */
@Command(name = "run", description = "Run a plan: validate it, run its steps, record everything in the history.")
public final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file.")
    Path plan;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "Set a parameter of the plan (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--dry-run", description = "Validate, render what can be rendered and say what each step would do; run nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the run's result as JSON instead of progress lines.")
    boolean json;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write the run's validate checks as JUnit XML to FILE, for CI.")
    Path junit;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the run's HTML report to FILE (see `perfplan report`).")
    Path htmlReport;
    @Option(names = "--otel", description = "Trace this run with OpenTelemetry (OTLP export, configured by the OTEL_* "
            + "variables; default endpoint http://localhost:4318). Also on when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER is set.")
    boolean otel;

    @Mixin
    Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // opening the database (about a third of a second) overlaps with reading and checking the plan,
        // and with parsing the command line when it could start that early
        CompletableFuture<Database> opening = dryRun ? null : EarlyOpen.take(common.url(Path.of("")))
                .orElseGet(() -> CompletableFuture.supplyAsync(() -> common.open(Path.of(""))));
        Plan p;
        Map<String, Object> values;
        try {
            p = Services.load(plan);
            // from here on, whatever this process prints has the plan's secrets masked (dry runs too)
            io.perfplan.engine.SecretMasker.addToProcess(p.secrets().stream().map(System::getenv).filter(java.util.Objects::nonNull).toList());
            values = Engine.resolveParams(p, params);
            if (!dryRun) {
                Engine.resolveSecrets(p, System.getenv());
            }
        } catch (RuntimeException e) {
            if (opening != null) {
                opening.handle((db, failure) -> db).join();
                opening.thenAccept(Database::close);
            }
            throw e instanceof IllegalArgumentException && !(e instanceof io.perfplan.plan.PlanException)
                    ? new UsageException(e.getMessage()) : e;
        }
        if (dryRun) {
            return dryRun(p, values, out);
        }
        prepareActions(p);
        io.perfplan.telemetry.RunTelemetry telemetry;
        try {
            telemetry = io.perfplan.telemetry.RunTelemetry.configure(otel, System.getenv());
        } catch (IllegalArgumentException e) {
            opening.thenAccept(Database::close);
            throw new UsageException(e.getMessage());
        }
        try (Database db = opened(opening); telemetry) {
            Engine engine = new Engine(Services.actions(), db.runs(), Services.expressions()).withTelemetry(telemetry);
            Cancellation cancel = new Cancellation();
            RunReport report;
            try (SignalCancellation signals = SignalCancellation.install(cancel)) {
                RunListener listener = json ? RunListener.NONE : new ConsoleReporter(out);
                report = engine.run(p, values, new Engine.RunOptions("cli", listener, cancel, childEnvironment()));
            }
            if (htmlReport != null) {
                ReportCommand.write(db.runs(), report.runId(), 30, htmlReport);
                (json ? spec.commandLine().getErr() : out).println("report: " + htmlReport);
            }
            if (junit != null) {
                JunitReport.write(junit, report);
            }
            if (json) {
                out.println(Json.write(Reports.run(report)));
            }
            out.flush();
            return report.status() == Status.PASSED ? ExitCode.OK : ExitCode.RUN_FAILED;
        }
    }

    /** Lets the plan's built-in actions load their native parts and classes while the history is still opening. */
    private static void prepareActions(Plan p) {
        p.allSteps().stream().map(Step::action).distinct().forEach(name -> Services.actions().get(name).ifPresent(a -> {
            try {
                a.prepare();
            } catch (RuntimeException | LinkageError e) {
                // the step that uses the action reports the problem
            }
        }));
    }

    private static Database opened(CompletableFuture<Database> opening) {
        try {
            return opening.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * The environment of commands the plan starts: this process's, plus {@code PERFPLAN_CMD}, a
     * shell command line that runs this same perfplan (e.g. {@code $PERFPLAN_CMD demo-service &}).
     */
    static Map<String, String> childEnvironment() {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        env.put("PERFPLAN_CMD", quote(java) + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "
                + quote(System.getProperty("java.class.path")) + " " + Main.class.getName());
        return env;
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private int dryRun(Plan p, Map<String, Object> values, PrintWriter out) {
        out.println("dry run of plan " + p.name() + ": nothing is executed");
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("params", values);
        Map<String, Object> vars = new LinkedHashMap<>();
        scope.put("vars", vars);
        scope.put("env", System.getenv());
        scope.put("run", Map.of("id", 0, "plan", p.name(), "started", java.time.Instant.now().toString()));
        for (Map.Entry<String, Object> e : p.vars().entrySet()) {
            try {
                vars.put(e.getKey(), Template.renderTree(e.getValue(), Services.expressions(), scope));
            } catch (RuntimeException ex) {
                out.println("  vars." + e.getKey() + ": not known until the plan runs (" + ex.getMessage() + ")");
            }
        }
        scope.put("secrets", Map.of());
        scope.put("steps", Map.of());
        var actions = Services.actions().forPlan(p);
        for (Step s : p.allSteps()) {
            Action<?> action = actions.get(s.action()).orElseThrow();
            out.println("  " + s.id() + " (" + s.action() + "): " + describe(action, s, scope));
        }
        return ExitCode.OK;
    }

    private static <I> String describe(Action<I> action, Step s, Map<String, Object> scope) {
        if (String.valueOf(s.with()).matches("(?s).*\\$\\{[^}]*\\bsteps\\b.*")) {
            return "skipped (its inputs depend on the results of earlier steps)";
        }
        Object rendered;
        try {
            rendered = Template.renderTree(s.with(), Services.expressions(), scope);
        } catch (RuntimeException e) {
            return "skipped (its inputs depend on values known only when the plan runs: " + e.getMessage() + ")";
        }
        try {
            @SuppressWarnings("unchecked")
            I inputs = InputsBinder.bind((Map<String, Object>) rendered, action.spec().inputs());
            Optional<String> what = action.describe(inputs);
            return what.orElse("skipped (the action cannot say what it would do without doing it)");
        } catch (IllegalArgumentException e) {
            return "skipped (" + e.getMessage() + ")";
        }
    }
}
