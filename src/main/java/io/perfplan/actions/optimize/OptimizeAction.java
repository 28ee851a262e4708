package io.perfplan.actions.optimize;

import io.perfplan.core.sampling.CommandBenchmark;
import io.perfplan.core.sampling.CommandRunner;
import io.perfplan.core.tuning.Budget;
import io.perfplan.core.tuning.ConfigFile;
import io.perfplan.core.tuning.Configuration;
import io.perfplan.core.tuning.Improvement;
import io.perfplan.core.tuning.Objective;
import io.perfplan.core.tuning.ParameterSpace;
import io.perfplan.core.tuning.SearchResult;
import io.perfplan.core.tuning.SearchSpec;
import io.perfplan.core.tuning.Trial;
import io.perfplan.core.tuning.TrialFailedException;
import io.perfplan.core.tuning.TrialRunner;
import io.perfplan.core.tuning.Tuner;
import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.ActionSpec.OutputSpec;
import io.perfplan.engine.Direction;
import io.perfplan.engine.MetricSpec;
import io.perfplan.engine.Optimizations;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;
import io.perfplan.plan.Quantities;
import io.perfplan.telemetry.SpanScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * The {@code optimize} action: searches a parameter space by running trials, then compares the best
 * configuration with the current one on fresh interleaved runs, and writes it to a file only when the
 * gain is at least {@code min_improvement} and significant. When the comparison rejects the winner,
 * the file it wrote is put back as it was.
 */
public final class OptimizeAction implements Action<OptimizeInputs> {

    private static final String EXAMPLE = """
            steps:
              - id: tune
                action: optimize
                with:
                  parameters:
                    threads: [1, 2, 4, 8]
                    heap: [256m, 512m, 1g]
                    batch: {min: 10, max: 1000, scale: log, type: int}
                  trial:
                    command: [java, "-Xmx{{trial.heap}}", -jar, app.jar, "--threads={{trial.threads}}", "--batch={{trial.batch}}"]
                  objective: {metric: wall.median, goal: minimize}
                  current: {threads: 2, heap: 512m, batch: 100}
                  strategy: auto
                  budget: {trials: 30, time: 15m}
                  repeats: 5
                  seed: 42
                  accept: {min_improvement: 5%, alpha: 0.01}
                  apply: {file: config/tuned.properties, format: properties}
              - id: gate
                action: validate
                with: {thresholds: ["tune.improvement >= 5%"]}
              - id: undo
                action: rollback
                if: "${failed('gate')}"
                with: {optimization: tune, reason: the gate failed}
              - id: tune-load
                description: nested steps as the trial, the objective a metric of one of them
                action: optimize
                with:
                  parameters: {connections: [1, 2, 4, 8]}
                  trial:
                    steps:
                      - id: load
                        action: loadtest
                        with: {url: "http://127.0.0.1:8080/api", connections: "{{trial.connections}}", duration: 5s}
                  objective: {metric: load.throughput, goal: maximize}
                  current: {connections: 1}
                  repeats: 3
            """;

    @Override
    public ActionSpec<OptimizeInputs> spec() {
        return new ActionSpec<>("optimize",
                "Tune parameters by experiment: run a trial per configuration — a command, or nested steps such as a deploy "
                        + "then a loadtest — (grid, seeded random or successive halving within a budget of trials and time; "
                        + "values reach the trial as {{trial.<name>}}), measure "
                        + "the current configuration too, re-measure the winner against it on fresh interleaved runs "
                        + "(Mann-Whitney + bootstrap), and write it to a file atomically only when the gain is at least "
                        + "min_improvement and significant. Every trial is stored and shown by `perfplan show`; the written "
                        + "file's previous content is kept, and a later `rollback` step with `optimization: <step id>` puts it back.",
                OptimizeInputs.class,
                List.of(new OutputSpec("best", "The best configuration found (parameter name → value), or null when no trial succeeded."),
                        new OutputSpec("current", "The current configuration, as given."),
                        new OutputSpec("improvement", "Gain of the best over the current configuration in percent (positive = better)."),
                        new OutputSpec("p_value", "One-sided Mann-Whitney p-value of the final comparison."),
                        new OutputSpec("applied", "True when the best configuration was written to apply.file and kept."),
                        new OutputSpec("decision", "One sentence saying why it was or was not applied."),
                        new OutputSpec("strategy", "The strategy used (auto resolved)."),
                        new OutputSpec("failed_trials", "How many trials failed (recorded and skipped).")),
                List.of(new MetricSpec("trials", Unit.COUNT, Direction.NEUTRAL, "Candidate trials run (the current configuration's not counted)."),
                        new MetricSpec("improvement", Unit.PERCENT, Direction.HIGHER_IS_BETTER,
                                "Gain of the objective, best over current, on the final comparison runs."),
                        new MetricSpec("p_value", Unit.COUNT, Direction.NEUTRAL, "One-sided Mann-Whitney p-value of the final comparison."),
                        new MetricSpec("objective.best", Unit.COUNT, Direction.NEUTRAL,
                                "The best configuration's objective on the final comparison runs, in the metric's unit (ms, bytes, ...)."),
                        new MetricSpec("objective.current", Unit.COUNT, Direction.NEUTRAL,
                                "The current configuration's objective on the final comparison runs."),
                        new MetricSpec("applied", Unit.COUNT, Direction.NEUTRAL, "1 when the best configuration was written and kept, else 0."),
                        new MetricSpec("best.*", Unit.COUNT, Direction.NEUTRAL, "Each numeric parameter of the best configuration.")),
                EXAMPLE);
    }

    @Override
    public Optional<String> describe(OptimizeInputs in) {
        ParameterSpace space = in.space();
        SearchSpec spec = searchSpec(in, space, null);
        return Optional.of(String.format(Locale.ROOT, "would search %d parameter(s) (%s) with %s over at most %d trials or %s, "
                        + "%d run(s) per configuration, optimizing %s (%s)%s",
                space.parameters().size(), String.join(", ", space.names()), name(spec.resolvedStrategy()),
                in.budget().trials(), Quantities.format(in.budget().time()), in.repeats(), TrialMetric.of(in).name(),
                name(in.objective().goal()),
                in.apply() == null ? "" : ", and write the winner to " + in.apply().file() + " only if it beats the current "
                        + "configuration by " + in.accept().minImprovement() + " at alpha " + in.accept().alpha()));
    }

    @Override
    public Outcome execute(OptimizeInputs in, StepContext ctx) {
        ParameterSpace space = in.space();
        Configuration current = in.current() == null ? null : space.configuration(in.current());
        TrialMetric metric = TrialMetric.of(in);
        Optimizations store = ctx.optimizations();
        TrialSpans spans = new TrialSpans(ctx, t -> record(t, store, ctx, metric));
        try {
            return search(in, ctx, space, current, metric, store, spans);
        } finally {
            spans.end("cut short"); // only a trial cut short (cancelled, or an error) is still open here
        }
    }

    private Outcome search(OptimizeInputs in, StepContext ctx, ParameterSpace space, Configuration current, TrialMetric metric,
                           Optimizations store, TrialSpans spans) {
        TrialRunner trials;
        if (in.trial().steps() != null) {
            StepTrials steps = new StepTrials(in.trial(), metric.name(), ctx, spans);
            try {
                steps.check(current != null ? current : space.grid(1).get(0));
            } catch (IllegalArgumentException e) {
                return Outcome.fail("trial.steps: " + e.getMessage());
            }
            trials = steps;
        } else {
            trials = new CommandTrials(in.trial(), MetricChoice.parse(in.objective().metric()), ctx,
                    new CommandBenchmark(new CommandRunner()));
        }
        SearchSpec spec = searchSpec(in, space, current);
        ctx.log("searching with " + name(spec.resolvedStrategy()) + " (grid of " + space.gridSize() + " configurations; budget "
                + in.budget().trials() + " trials, " + Quantities.format(in.budget().time()) + ")");
        Tuner tuner = new Tuner(trials, spans, ctx::cancelled, ctx::log);
        SearchResult result = tuner.search(spec);

        long failed = result.trials().stream().filter(Trial::failed).count();
        ctx.metric("trials", result.candidateTrials(), Unit.COUNT, Direction.NEUTRAL);
        ctx.output("strategy", name(result.strategy()));
        ctx.output("failed_trials", failed);
        ctx.output("current", in.current());
        ctx.log("search ended: " + result.stopReason() + "; " + result.candidateTrials() + " trial(s), " + failed + " failed");
        if (ctx.cancelled()) {
            return Outcome.fail("optimize was cancelled after " + result.candidateTrials() + " trial(s); they are stored.");
        }
        if (result.current() != null && result.current().failed()) {
            return Outcome.fail("The current configuration could not be measured, so nothing can be compared: "
                    + result.current().error());
        }
        Trial best = result.best();
        if (best == null) {
            String first = result.trials().stream().filter(Trial::failed).map(Trial::error).findFirst().orElse("no trial ran");
            return Outcome.fail("No trial succeeded (" + result.candidateTrials() + " tried); the first failure: " + first);
        }
        ctx.output("best", best.configuration().values());
        best.configuration().values().forEach((k, v) -> number(v).ifPresent(x -> ctx.metric("best." + k, x, Unit.COUNT, Direction.NEUTRAL)));
        ctx.log(String.format(Locale.ROOT, "best: %s (%s %.4g%s)", best.configuration(), metric.name(), best.objective(), metric.unit().symbol()));
        if (current == null) {
            return decided(ctx, false, "No current configuration was given, so the best one is reported but not applied.");
        }
        if (best.configuration().equals(current)) {
            return decided(ctx, false, "The current configuration is the best one found; nothing to apply.");
        }
        if (!result.current().failed() && !spec.objective().better(best.objective(), result.current().objective())) {
            return decided(ctx, false, String.format(Locale.ROOT, "No configuration beat the current one in the search (best %.4g, "
                    + "current %.4g %s); nothing applied.", best.objective(), result.current().objective(), metric.unit().symbol()));
        }
        return confirmAndApply(in, ctx, trials, spec.objective(), best.configuration(), current, store, spans);
    }

    /** Applies the winner (when apply is set), compares it with the current configuration on fresh runs, and undoes the file unless accepted. */
    private Outcome confirmAndApply(OptimizeInputs in, StepContext ctx, TrialRunner trials, Objective objective,
                                    Configuration best, Configuration current, Optimizations store, TrialSpans spans) {
        Path file = in.apply() == null ? null : ctx.workDir().resolve(in.apply().file()).normalize();
        ConfigFile.Snapshot before = null;
        byte[] written = null;
        long changeId = -1;
        try {
            if (file != null) {
                before = ConfigFile.read(file);
                written = ConfigFile.render(best, in.apply().format());
                ConfigFile.write(file, written);
                try {
                    changeId = store.recordChange(file, name(in.apply().format()), best.values(), before.existed(), before.content(), written);
                } catch (RuntimeException e) {
                    // a change that cannot be undone later must not stay
                    ConfigFile.restore(file, before, written);
                    return Outcome.fail("Could not record the change of " + file + " (" + e.getMessage() + "), so it was put back.");
                }
                ctx.log("wrote " + best + " to " + file + "; comparing it with the current configuration");
            }
        } catch (IOException e) {
            return Outcome.fail("Could not write " + file + ": " + e.getMessage() + "; check that its folder is writable.");
        }
        int runs = in.accept().runsFor(in.repeats());
        List<Double> bestRuns = new ArrayList<>();
        List<Double> currentRuns = new ArrayList<>();
        String failure = null;
        SpanScope confirm = spans.confirmation(runs);
        try {
            // interleaved, so a drift of the machine hits both alike
            for (int i = 0; i < runs; i++) {
                currentRuns.add(trials.run(current, 1)[0]);
                bestRuns.add(trials.run(best, 1)[0]);
            }
        } catch (TrialFailedException e) {
            failure = "the final comparison failed: " + e.getMessage();
        } catch (CancellationException e) {
            failure = "optimize was cancelled during the final comparison";
        }
        if (failure != null) {
            spans.end(ctx.mask(failure));
            String undone = undo(file, before, written, changeId, store, failure);
            return Outcome.fail(capitalize(failure) + undone);
        }
        double[] c = currentRuns.stream().mapToDouble(Double::doubleValue).toArray();
        double[] b = bestRuns.stream().mapToDouble(Double::doubleValue).toArray();
        TrialMetric metric = TrialMetric.of(in);
        ctx.samples("confirm.current", c, metric.unit());
        ctx.samples("confirm.best", b, metric.unit());
        Improvement verdict = Improvement.test(c, b, objective, in.accept().minImprovement().fraction(), in.accept().alpha(), in.seed());
        ctx.metric("objective.current", objective.value(c), metric.unit(), Direction.NEUTRAL);
        ctx.metric("objective.best", objective.value(b), metric.unit(), Direction.NEUTRAL);
        ctx.metric("improvement", verdict.improvement() * 100, Unit.PERCENT, Direction.HIGHER_IS_BETTER);
        ctx.metric("p_value", verdict.pValue(), Unit.COUNT, Direction.NEUTRAL);
        ctx.output("improvement", Double.isNaN(verdict.improvement()) ? null : verdict.improvement() * 100);
        ctx.output("p_value", Double.isNaN(verdict.pValue()) ? null : verdict.pValue());
        ctx.log(verdict.explanation());
        confirm.attribute("perfplan.optimize.improvement_pct", verdict.improvement() * 100);
        confirm.attribute("perfplan.optimize.p_value", verdict.pValue());
        confirm.attribute("perfplan.optimize.accepted", verdict.accepted());
        spans.end(null);
        if (!verdict.accepted()) {
            String undone = undo(file, before, written, changeId, store, "not accepted: " + verdict.explanation());
            return decided(ctx, false, verdict.explanation() + undone);
        }
        return decided(ctx, file != null, verdict.explanation() + (file == null ? " No apply.file is set, so nothing was written."
                : " Written to " + in.apply().file() + "."));
    }

    /** Puts the file back as it was; returns a sentence fragment for the message. */
    private static String undo(Path file, ConfigFile.Snapshot before, byte[] written, long changeId, Optimizations store, String reason) {
        if (file == null || changeId < 0) {
            return "";
        }
        try {
            ConfigFile.restore(file, before, written);
            store.markUndone(changeId, reason);
            return " " + file.getFileName() + " was restored to its previous content.";
        } catch (IOException | IllegalStateException e) {
            return " Restoring " + file + " failed: " + e.getMessage();
        }
    }

    private static Outcome decided(StepContext ctx, boolean applied, String decision) {
        ctx.output("applied", applied);
        ctx.output("decision", decision);
        ctx.metric("applied", applied ? 1 : 0, Unit.COUNT, Direction.NEUTRAL);
        return Outcome.pass(decision);
    }

    private static void record(Trial t, Optimizations store, StepContext ctx, TrialMetric metric) {
        store.recordTrial(new Optimizations.TrialRecord(t.number(), name(t.role()), t.rung(), t.configuration().values(), t.samples(),
                t.failed() ? null : t.objective(), t.failed() ? ctx.mask(t.error()) : null, t.took()));
        String who = t.role() == Trial.Role.CURRENT ? "current" : "trial " + t.number() + (t.rung() > 0 ? " (rung " + t.rung() + ")" : "");
        ctx.log(t.failed() ? who + " " + t.configuration() + " failed: " + t.error()
                : String.format(Locale.ROOT, "%s %s: %s %.4g%s over %d run(s)", who, t.configuration(), metric.name(), t.objective(),
                metric.unit().symbol(), t.samples().length));
    }

    private static SearchSpec searchSpec(OptimizeInputs in, ParameterSpace space, Configuration current) {
        TrialMetric metric = TrialMetric.of(in);
        return new SearchSpec(space, current, new Objective(metric.statistic(), in.objective().goal()), in.strategy(),
                new Budget(in.budget().trials(), in.budget().time()), in.repeats(), in.seed());
    }

    private static Optional<Double> number(String v) {
        try {
            double d = Double.parseDouble(v);
            return Double.isFinite(d) ? Optional.of(d) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
