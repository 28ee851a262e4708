package io.perfplan.actions.optimize;

import io.perfplan.core.sampling.BenchmarkResult;
import io.perfplan.core.sampling.BenchmarkSpec;
import io.perfplan.core.sampling.CommandBenchmark;
import io.perfplan.core.sampling.CommandFailedException;
import io.perfplan.core.sampling.CommandLaunchException;
import io.perfplan.core.sampling.CommandResult;
import io.perfplan.core.sampling.CommandSpec;
import io.perfplan.core.tuning.Configuration;
import io.perfplan.core.tuning.TrialFailedException;
import io.perfplan.core.tuning.TrialRunner;
import io.perfplan.engine.StepContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command trials: the trial command with a configuration's values substituted, benchmarked by {@link CommandBenchmark}. */
final class CommandTrials implements TrialRunner {

    private final OptimizeInputs.TrialInput trial;
    private final MetricChoice metric;
    private final StepContext ctx;
    private final CommandBenchmark benchmark;

    CommandTrials(OptimizeInputs.TrialInput trial, MetricChoice metric, StepContext ctx, CommandBenchmark benchmark) {
        this.trial = trial;
        this.metric = metric;
        this.ctx = ctx;
        this.benchmark = benchmark;
    }

    /** The command for a configuration, as it would run. */
    CommandSpec command(Configuration c) {
        List<String> argv = trial.command().stream().map(c::substitute).toList();
        if (trial.shell()) {
            argv = List.of("sh", "-c", argv.get(0));
        }
        Map<String, String> env = new LinkedHashMap<>(ctx.environment());
        trial.env().forEach((k, v) -> env.put(k, c.substitute(v)));
        Path cwd = trial.cwd() == null ? ctx.workDir() : ctx.workDir().resolve(c.substitute(trial.cwd()));
        Duration left = ctx.remaining();
        Duration limit = trial.timeout() != null ? trial.timeout() : left.compareTo(Duration.ofDays(1)) > 0 ? null : left.plusMillis(1);
        return new CommandSpec(argv, cwd, env, limit, CommandSpec.DEFAULT_CAPTURE_LIMIT_BYTES);
    }

    @Override
    public double[] run(Configuration c, int runs) throws TrialFailedException {
        CommandSpec command = command(c);
        BenchmarkResult result;
        try {
            result = benchmark.run(BenchmarkSpec.of(command, runs, trial.warmup()), ctx::track, ctx::cancelled, line -> { });
        } catch (CommandLaunchException | CommandFailedException e) {
            throw new TrialFailedException(e.getMessage(), e);
        }
        double[] values = new double[result.runs().size()];
        for (int i = 0; i < values.length; i++) {
            CommandResult r = result.runs().get(i);
            try {
                values[i] = metric.quantity().of(r);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new TrialFailedException("Run " + (i + 1) + " printed no number at the end of its output (" + r.tail()
                        + "); objective " + metric.name() + " reads the last word of the last line of stdout.", e);
            }
            if (metric.quantity() == MetricChoice.Quantity.RSS && values[i] < 0) {
                throw new TrialFailedException("Run " + (i + 1) + " gave no " + metric.name() + " value (the peak RSS could not "
                        + "be measured); install perl or optimize another metric.");
            }
        }
        return values;
    }
}
