package io.perfplan.actions.deploy;

import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.Deployments;
import io.perfplan.engine.Deployments.Deployment;
import io.perfplan.engine.Deployments.State;
import io.perfplan.engine.Direction;
import io.perfplan.engine.MetricSpec;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deploys a version of a service — with the user's own command, or as a local process perfplan
 * supervises — waits for its health checks, records the deployment, and rolls back to the last
 * healthy version at once when the new one never becomes healthy. One deployment per service and
 * environment runs at a time (a lock in the database).
 */
public final class DeployAction implements Action<DeployInputs> {

    @Override
    public ActionSpec<DeployInputs> spec() {
        return new ActionSpec<>("deploy",
                "Deploy a version of a service with your own command (kubectl, helm, a script) or as a local process perfplan "
                        + "starts and supervises; wait for its health checks (http, tcp, command); record the deployment; on "
                        + "failure roll back to the last healthy version and send alerts (log, webhook). With stop: true, "
                        + "stop the service's process instead.",
                DeployInputs.class,
                List.of(new ActionSpec.OutputSpec("deployment_id", "Id of the recorded deployment (see `perfplan deployments`)."),
                        new ActionSpec.OutputSpec("version", "The version now running: the new one, or the one rolled back to."),
                        new ActionSpec.OutputSpec("previous_version", "The version that was current before, or null."),
                        new ActionSpec.OutputSpec("status", "healthy, failed, rolled_back or stopped."),
                        new ActionSpec.OutputSpec("pid", "process strategy: the pid of the service's process now running."),
                        new ActionSpec.OutputSpec("log", "process strategy: the file the service's output goes to."),
                        new ActionSpec.OutputSpec("rolled_back_to", "The version a failed deployment was rolled back to, when it was.")),
                List.of(new MetricSpec("duration", Unit.MILLISECONDS, Direction.LOWER_IS_BETTER,
                                "From the start of the deployment until it was healthy (or had failed and was rolled back)."),
                        new MetricSpec("health.attempts", Unit.COUNT, Direction.LOWER_IS_BETTER,
                                "Rounds of health checks until the new version was healthy (or the timeout).")),
                """
                - id: deploy
                  action: deploy
                  with:
                    service: checkout
                    version: "${params.version}"
                    environment: staging
                    start: [java, -jar, "build/checkout-${params.version}.jar", --port, "8080"]
                    health: {http: "http://127.0.0.1:8080/health", body_contains: "${params.version}", timeout: 60s}
                    grace: 10s
                    alerts: [{log: true}, {webhook: "https://hooks.example.com/deploys"}]
                - id: deploy-k8s
                  action: deploy
                  with:
                    service: payments
                    version: "2.1"
                    command: [kubectl, set, image, deploy/payments, "app=registry/payments:2.1"]
                    rollback_command: [kubectl, rollout, undo, deploy/payments]
                    health: {command: [kubectl, rollout, status, deploy/payments], timeout: 5m, interval: 5s}
                """);
    }

    @Override
    public Optional<String> describe(DeployInputs in) {
        if (in.stop()) {
            return Optional.of("would stop the running process of " + in.service() + " in " + in.environment());
        }
        String how = in.strategy() == DeployInputs.Strategy.PROCESS ? "start " + String.join(" ", in.start())
                : "run " + String.join(" ", in.command());
        return Optional.of("would deploy " + in.service() + " " + in.version() + " to " + in.environment() + " (" + how + ")"
                + (in.health() == null ? "" : " and wait up to " + io.perfplan.plan.Quantities.format(in.health().timeout())
                + " for " + in.health().describe()) + "; on failure: " + in.onFailure().name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public Outcome execute(DeployInputs in, StepContext ctx) {
        ServiceRollout rollout = new ServiceRollout(ctx, in.service(), in.environment(), in.grace(), in.commandTimeout(), in.alerts());
        long started = System.nanoTime();
        try (Deployments.Lock lock = rollout.lock()) {
            return in.stop() ? stop(rollout) : deploy(in, rollout, started);
        }
    }

    private Outcome stop(ServiceRollout rollout) {
        List<Deployment> history = rollout.history();
        List<String> stopped = rollout.stopRunning(history, State.STOPPED);
        rollout.ctx.output("status", "stopped");
        if (stopped.isEmpty()) {
            return Outcome.pass("no process of " + rollout.service + " in " + rollout.environment + " was running");
        }
        return Outcome.pass("stopped " + rollout.service + " " + String.join(", ", stopped));
    }

    private Outcome deploy(DeployInputs in, ServiceRollout rollout, long started) {
        StepContext ctx = rollout.ctx;
        List<Deployment> history = rollout.history();
        Optional<Deployment> current = ServiceRollout.current(history);
        String previous = current.map(Deployment::version).orElse(null);
        boolean process = in.strategy() == DeployInputs.Strategy.PROCESS;
        Path cwd = rollout.cwd(in.cwd());
        Map<String, Object> details = rollout.details(process ? "process" : "command", process ? in.start() : in.command(),
                in.rollbackCommand(), cwd, in.env(), in.health(), previous);
        ctx.log("deploying " + in.service() + " " + in.version() + " to " + in.environment()
                + (previous == null ? "" : " (current: " + previous + ")"));
        long id = rollout.deployments.record(in.service(), in.environment(), in.version(), State.DEPLOYING, rollout.runId, details);
        ctx.output("deployment_id", id);
        ctx.output("previous_version", previous);
        ServiceRollout.Attempt a;
        if (process) {
            rollout.stopRunning(history, State.SUPERSEDED); // the new version usually needs the same port
            a = rollout.startProcess(id, in.version(), in.start(), cwd, in.env(), in.health(), details);
        } else {
            current.ifPresent(c -> rollout.deployments.update(c.id(), ServiceRollout.replaced(c.state(), State.SUPERSEDED), null,
                    c.finishedAt() == null));
            a = rollout.runCommand(in.version(), in.command(), cwd, in.env(), in.health());
        }
        ctx.metric("health.attempts", a.healthRounds(), Unit.COUNT, Direction.LOWER_IS_BETTER);
        if (a.healthy()) {
            rollout.deployments.update(id, State.HEALTHY, details, true);
            finish(ctx, started, in.version(), "healthy", details);
            return Outcome.pass(in.service() + " " + in.version() + " is deployed and healthy");
        }
        String problem = in.service() + " " + in.version() + " failed: " + a.problem();
        details.put(ServiceRollout.ERROR, ctx.mask(a.problem()));
        ctx.log(problem);
        if (ctx.cancelled()) {
            rollout.deployments.update(id, State.FAILED, details, true);
            finish(ctx, started, in.version(), "failed", details);
            return Outcome.fail(problem + " (cancelled; no rollback was tried)");
        }
        if (in.onFailure() == DeployInputs.OnFailure.KEEP) {
            rollout.deployments.update(id, State.FAILED, details, true);
            rollout.alert("deploy_failed", in.version(), previous, problem + "; on_failure: keep, so it stays in place");
            finish(ctx, started, in.version(), "failed", details);
            return Outcome.fail(problem + " (on_failure: keep, so it stays in place)");
        }
        Optional<Deployment> target = ServiceRollout.lastHealthyBefore(history, id, in.version());
        if (target.isEmpty()) {
            boolean stopped = process && ServiceRollout.process(new Deployment(id, in.service(), in.environment(), in.version(),
                    State.FAILED, rollout.runId, null, null, details)).map(p -> p.stop(in.grace())).orElse(false);
            String why = problem + (stopped ? "; it was stopped, and" : ";") + " there is no earlier healthy version to roll back to";
            rollout.deployments.update(id, State.FAILED, details, true);
            rollout.alert("deploy_failed", in.version(), previous, why);
            finish(ctx, started, in.version(), "failed", details);
            return Outcome.fail(why);
        }
        Deployment to = target.get();
        ctx.log("rolling back to " + in.service() + " " + to.version());
        if (process) {
            rollout.stopRunning(List.of(new Deployment(id, in.service(), in.environment(), in.version(), State.DEPLOYING,
                    rollout.runId, null, null, details)), State.ROLLED_BACK);
        }
        List<String> undo = in.rollbackCommand();
        ServiceRollout.Restored r = rollout.restore(to, undo, null, id, problem);
        details.put("rolled_back_by", r.deploymentId());
        rollout.deployments.update(id, State.ROLLED_BACK, details, true);
        ctx.output("rolled_back_to", to.version());
        finish(ctx, started, r.attempt().healthy() ? to.version() : in.version(), "rolled_back", Map.of());
        if (r.attempt().pid() != null) {
            ctx.output("pid", r.attempt().pid());
        }
        if (r.attempt().healthy()) {
            rollout.alert("rolled_back", to.version(), in.version(), problem + "; rolled back to " + to.version() + ", which is healthy");
            return Outcome.fail(problem + "; rolled back to " + to.version() + ", which is healthy again");
        }
        rollout.alert("rollback_failed", to.version(), in.version(), problem + "; the rollback to " + to.version()
                + " failed too: " + r.attempt().problem());
        return Outcome.fail(problem + "; the rollback to " + to.version() + " failed too: " + r.attempt().problem());
    }

    private static void finish(StepContext ctx, long started, String version, String status, Map<String, Object> details) {
        ctx.metric("duration", (System.nanoTime() - started) / 1e6, Unit.MILLISECONDS, Direction.LOWER_IS_BETTER);
        ctx.output("version", version);
        ctx.output("status", status);
        if (details.get(ServiceRollout.PID) != null) {
            ctx.output("pid", details.get(ServiceRollout.PID));
        }
        if (details.get(ServiceRollout.LOG) != null) {
            ctx.output("log", details.get(ServiceRollout.LOG));
        }
    }
}
