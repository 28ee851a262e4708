package io.perfplan.actions.exec;

import io.perfplan.core.sampling.CommandLaunchException;
import io.perfplan.core.sampling.CommandResult;
import io.perfplan.core.sampling.CommandRunner;
import io.perfplan.core.sampling.CommandSpec;
import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.Direction;
import io.perfplan.engine.MetricSpec;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs one command and reports its exit code, output and wall time. */
public final class ExecAction implements Action<ExecInputs> {

    // exec reports wall time and CPU, not peak RSS: no perl in between, 2-3 ms less per step
    private final CommandRunner runner = CommandRunner.direct();

    @Override
    public ActionSpec<ExecInputs> spec() {
        return new ActionSpec<>("exec", "Run a command (argv list, or a shell string with shell: true) and check its exit code.",
                ExecInputs.class,
                List.of(new ActionSpec.OutputSpec("exit_code", "The command's exit code (128 + signal when killed)."),
                        new ActionSpec.OutputSpec("stdout", "Standard output, at most 1 MiB (a note says when it was cut)."),
                        new ActionSpec.OutputSpec("stderr", "Standard error, at most 1 MiB.")),
                List.of(new MetricSpec("wall", Unit.MILLISECONDS, Direction.LOWER_IS_BETTER, "Wall-clock time of the command."),
                        new MetricSpec("cpu", Unit.MILLISECONDS, Direction.LOWER_IS_BETTER, "User plus system CPU time of the command and its children.")),
                """
                - id: build
                  action: exec
                  with:
                    command: [mvn, -q, package]
                    timeout: 10m
                - id: count
                  action: exec
                  with: {command: "ls plans | wc -l", shell: true}
                """);
    }

    @Override
    public Outcome execute(ExecInputs in, StepContext ctx) throws CommandLaunchException {
        Map<String, String> env = new HashMap<>(ctx.environment());
        env.putAll(in.env());
        Path cwd = in.cwd() == null ? ctx.workDir() : ctx.workDir().resolve(in.cwd());
        Duration timeout = in.timeout() != null ? in.timeout() : ctx.remaining();
        CommandSpec spec = new CommandSpec(in.argv(), cwd, env, timeout, CommandSpec.DEFAULT_CAPTURE_LIMIT_BYTES);
        CommandResult r = runner.run(spec, ctx::track);
        ctx.output("exit_code", r.exitCode());
        ctx.output("stdout", r.stdout() + (r.stdoutTruncated() ? "\n[perfplan: output cut at 1 MiB]" : ""));
        ctx.output("stderr", r.stderr() + (r.stderrTruncated() ? "\n[perfplan: output cut at 1 MiB]" : ""));
        ctx.metric("wall", r.wall().toNanos() / 1e6, Unit.MILLISECONDS, Direction.LOWER_IS_BETTER);
        ctx.metric("cpu", r.cpu().toNanos() / 1e6, Unit.MILLISECONDS, Direction.LOWER_IS_BETTER);
        if (r.timedOut()) {
            return Outcome.fail("the command was killed after its timeout of " + io.perfplan.plan.Quantities.format(timeout));
        }
        if (ctx.cancelled()) {
            return Outcome.fail("cancelled");
        }
        if (r.exitCode() != in.expectExit()) {
            String tail = r.tail();
            return Outcome.fail("the command exited with " + r.exitCode() + " (expected " + in.expectExit() + ")"
                    + (tail.isEmpty() ? "" : ": " + tail));
        }
        return Outcome.pass();
    }

    @Override
    public void prepare() {
        CommandRunner.prepare();
    }

    @Override
    public Optional<String> describe(ExecInputs in) {
        return Optional.of("would run " + String.join(" ", in.argv()) + (in.cwd() == null ? "" : " in " + in.cwd()));
    }
}
