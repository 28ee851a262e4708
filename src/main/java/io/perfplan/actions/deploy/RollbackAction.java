package io.perfplan.actions.deploy;

import io.perfplan.core.tuning.ConfigFile;
import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.Deployments;
import io.perfplan.engine.Deployments.Deployment;
import io.perfplan.engine.Deployments.State;
import io.perfplan.engine.Direction;
import io.perfplan.engine.MetricSpec;
import io.perfplan.engine.Optimizations;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Returns a service to its last healthy version before the current one (or a named version) the way
 * that version was deployed — restarting its process or running its deploy command again — or with a
 * rollback command the user gives; checks its health, records it and sends alerts. It lives in the
 * deploy package because it shares the deployment records, process handling and inputs with deploy.
 */
public final class RollbackAction implements Action<RollbackInputs> {

    @Override
    public ActionSpec<RollbackInputs> spec() {
        return new ActionSpec<>("rollback",
                "Return a service to its last healthy version before the current one (or `to: VERSION`), the way that version "
                        + "was deployed (or with your rollback `command`); check its health, record it, send alerts. "
                        + "With `optimization: STEP` instead, put back the file that optimize step last applied in this plan.",
                RollbackInputs.class,
                List.of(new ActionSpec.OutputSpec("version", "The version returned to."),
                        new ActionSpec.OutputSpec("from_version", "The version that was current before the rollback."),
                        new ActionSpec.OutputSpec("deployment_id", "Id of the deployment recording the rollback."),
                        new ActionSpec.OutputSpec("pid", "process strategy: the pid of the restarted process."),
                        new ActionSpec.OutputSpec("file", "optimization: the file put back."),
                        new ActionSpec.OutputSpec("undone", "optimization: the parameters that were undone.")),
                List.of(new MetricSpec("duration", Unit.MILLISECONDS, Direction.LOWER_IS_BETTER,
                        "From the start of the rollback until the earlier version was healthy (or had failed).")),
                """
                - id: undo
                  action: rollback
                  if: "${failed('gate')}"
                  with:
                    service: checkout
                    environment: staging
                    reason: the performance gate failed
                    health: {http: "http://127.0.0.1:8080/health", timeout: 60s}
                """);
    }

    @Override
    public Optional<String> describe(RollbackInputs in) {
        if (in.optimization() != null) {
            return Optional.of("would put back the file the optimize step " + in.optimization() + " last applied");
        }
        return Optional.of("would return " + in.service() + " in " + in.environment() + " to "
                + (in.to() == null ? "its last healthy version before the current one" : "version " + in.to())
                + (in.command().isEmpty() ? "" : " with `" + String.join(" ", in.command()) + "`"));
    }

    @Override
    public Outcome execute(RollbackInputs in, StepContext ctx) {
        if (in.optimization() != null) {
            return undoOptimization(in, ctx);
        }
        long started = System.nanoTime();
        ServiceRollout rollout = new ServiceRollout(ctx, in.service(), in.environment(), in.grace(), in.commandTimeout(), in.alerts());
        try (Deployments.Lock lock = rollout.lock()) {
            List<Deployment> history = rollout.history();
            if (history.isEmpty()) {
                return Outcome.fail("there are no deployments of " + in.service() + " in " + in.environment()
                        + " to roll back; deploy it first (see `perfplan deployments`)");
            }
            Deployment current = ServiceRollout.current(history).orElse(history.get(0));
            Deployment target = target(in, history, current);
            ctx.log("rolling back " + in.service() + " in " + in.environment() + " from " + current.version() + " to " + target.version()
                    + (in.reason() == null ? "" : " (" + in.reason() + ")"));
            rollout.stopRunning(history, State.ROLLED_BACK);
            List<String> command = !in.command().isEmpty() ? in.command() : storedRollbackCommand(current);
            String reason = in.reason() == null ? "rollback step " + ctx.stepId() : in.reason();
            ServiceRollout.Restored r = rollout.restore(target, command, in.health(), current.id(), reason);
            Map<String, Object> undone = new LinkedHashMap<>(current.details());
            undone.put("rolled_back_by", r.deploymentId());
            undone.put("reason", ctx.mask(reason));
            rollout.deployments.update(current.id(), State.ROLLED_BACK, undone, current.finishedAt() == null);
            ctx.metric("duration", (System.nanoTime() - started) / 1e6, Unit.MILLISECONDS, Direction.LOWER_IS_BETTER);
            ctx.output("version", target.version());
            ctx.output("from_version", current.version());
            ctx.output("deployment_id", r.deploymentId());
            if (r.attempt().pid() != null) {
                ctx.output("pid", r.attempt().pid());
            }
            String what = in.service() + " " + current.version() + " rolled back to " + target.version();
            if (r.attempt().healthy()) {
                rollout.alert("rolled_back", target.version(), current.version(), what + (in.reason() == null ? "" : ": " + in.reason()));
                return Outcome.pass(what + ", which is healthy");
            }
            rollout.alert("rollback_failed", target.version(), current.version(), what + " failed: " + r.attempt().problem());
            return Outcome.fail("the rollback of " + in.service() + " to " + target.version() + " failed: " + r.attempt().problem());
        }
    }

    /** Puts back the content a file had before the optimize step {@code in.optimization()} last wrote it. */
    private static Outcome undoOptimization(RollbackInputs in, StepContext ctx) {
        Optional<Optimizations.Change> applied = ctx.optimizations().lastApplied(in.optimization());
        if (applied.isEmpty()) {
            return Outcome.fail("step '" + in.optimization() + "' of this plan has no applied optimization to undo (it writes its "
                    + "file only when the winner is accepted, and an undone change is not undone twice); see `perfplan show`");
        }
        Optimizations.Change c = applied.get();
        String reason = in.reason() == null ? "rollback step " + ctx.stepId() : in.reason();
        try {
            ConfigFile.restore(c.file(), new ConfigFile.Snapshot(c.previousExisted(), c.previousContent()), c.appliedContent());
        } catch (java.io.IOException | IllegalStateException e) {
            return Outcome.fail("could not undo the optimization of step '" + in.optimization() + "': " + e.getMessage());
        }
        ctx.optimizations().markUndone(c.id(), ctx.mask(reason));
        ctx.output("file", c.file().toString());
        ctx.output("undone", c.parameters());
        String what = c.file() + (c.previousExisted() ? " restored to its content" : " removed, as it did not exist")
                + " before step '" + in.optimization() + "' applied " + c.parameters();
        ctx.log(what);
        return Outcome.pass(what);
    }

    private static Deployment target(RollbackInputs in, List<Deployment> history, Deployment current) {
        if (in.to() != null) {
            return history.stream().filter(d -> d.version().equals(in.to()) && d.id() != current.id()
                            && (d.state() == State.HEALTHY || d.state() == State.SUPERSEDED || d.state() == State.STOPPED)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(in.service() + " has no earlier healthy deployment of version "
                            + in.to() + " in " + in.environment() + "; healthy versions: " + healthyVersions(history)));
        }
        return ServiceRollout.lastHealthyBefore(history, current.id(), current.version())
                .orElseThrow(() -> new IllegalArgumentException(in.service() + " in " + in.environment() + " has no healthy version "
                        + "before " + current.version() + " to return to; deploy one, or name it with `to`"));
    }

    private static String healthyVersions(List<Deployment> history) {
        List<String> versions = history.stream().filter(d -> d.state() == State.HEALTHY || d.state() == State.SUPERSEDED)
                .map(Deployment::version).distinct().toList();
        return versions.isEmpty() ? "none" : String.join(", ", versions);
    }

    @SuppressWarnings("unchecked")
    private static List<String> storedRollbackCommand(Deployment current) {
        Object v = current.details().get(ServiceRollout.ROLLBACK_COMMAND);
        return v instanceof List<?> l ? ((List<Object>) l).stream().map(String::valueOf).toList() : List.of();
    }
}
