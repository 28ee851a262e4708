package io.perfplan.actions.deploy;

import io.perfplan.core.deploy.Alert;
import io.perfplan.core.deploy.AlertChannel;
import io.perfplan.core.deploy.DeployCommand;
import io.perfplan.core.deploy.HealthPolling;
import io.perfplan.core.deploy.ServiceProcess;
import io.perfplan.engine.Deployments;
import io.perfplan.engine.Deployments.Deployment;
import io.perfplan.engine.Deployments.State;
import io.perfplan.engine.StepContext;
import io.perfplan.plan.InputsBinder;
import io.perfplan.plan.Quantities;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The work deploy and rollback steps share for one service in one environment: starting and stopping
 * its processes, running deploy commands, waiting for health, restoring an earlier deployment from
 * what its record says, and sending alerts. Deployment details are stored with secrets masked.
 */
final class ServiceRollout {

    /** Keys of a deployment's details. */
    static final String STRATEGY = "strategy";
    static final String START = "start";
    static final String COMMAND = "command";
    static final String ROLLBACK_COMMAND = "rollback_command";
    static final String CWD = "cwd";
    static final String ENV = "env";
    static final String HEALTH = "health";
    static final String LOG = "log";
    static final String PID = "pid";
    static final String PID_STARTED = "pid_started";
    static final String ERROR = "error";

    private static final String MASK = "***";

    final StepContext ctx;
    final String service;
    final String environment;
    final Deployments deployments;
    final Long runId;
    private final Duration grace;
    private final Duration commandTimeout;
    private final List<AlertInputs> alerts;

    ServiceRollout(StepContext ctx, String service, String environment, Duration grace, Duration commandTimeout, List<AlertInputs> alerts) {
        this.ctx = ctx;
        this.service = service;
        this.environment = environment;
        this.deployments = ctx.deployments();
        this.runId = parseRunId(ctx.runId());
        this.grace = grace;
        this.commandTimeout = commandTimeout;
        this.alerts = alerts;
    }

    Deployments.Lock lock() {
        return deployments.lock(service, environment, runId, ctx.stepId());
    }

    /** Deployments of the service, newest first. */
    List<Deployment> history() {
        return deployments.list(service, environment, 200);
    }

    /** The newest deployment that still counts as current (not replaced, undone or stopped). */
    static Optional<Deployment> current(List<Deployment> history) {
        return history.stream().filter(d -> d.state() == State.HEALTHY || d.state() == State.DEPLOYING
                || d.state() == State.FAILED).findFirst();
    }

    /** The newest deployment older than {@code newerThan} that was healthy and is not {@code version}. */
    static Optional<Deployment> lastHealthyBefore(List<Deployment> history, long newerThan, String version) {
        return history.stream().filter(d -> d.id() < newerThan && !d.version().equals(version)
                && (d.state() == State.HEALTHY || d.state() == State.SUPERSEDED)).findFirst();
    }

    /** Stops every still-running process of the service's deployments; returns the versions stopped. */
    List<String> stopRunning(List<Deployment> history, State newState) {
        List<String> stopped = new ArrayList<>();
        for (Deployment d : history) {
            Optional<ServiceProcess> p = process(d);
            if (p.isEmpty()) {
                continue;
            }
            boolean live = d.state() == State.HEALTHY || d.state() == State.DEPLOYING || d.state() == State.FAILED;
            if (p.get().stop(grace)) {
                ctx.log("stopped " + service + " " + d.version() + " (pid " + p.get().pid() + ")");
                stopped.add(d.version());
            }
            if (live) {
                deployments.update(d.id(), replaced(d.state(), newState), null, d.finishedAt() == null);
            }
        }
        return stopped;
    }

    /**
     * The state of a current deployment once a newer one replaces it: only a healthy one becomes
     * superseded (which rollbacks may return to); a failed or unfinished one counts as failed.
     */
    static State replaced(State old, State newState) {
        return newState == State.SUPERSEDED && old != State.HEALTHY ? State.FAILED : newState;
    }

    /** The process a deployment started, when it was the process strategy. */
    static Optional<ServiceProcess> process(Deployment d) {
        Object pid = d.details().get(PID);
        if (!(pid instanceof Number n)) {
            return Optional.empty();
        }
        Object started = d.details().get(PID_STARTED);
        return Optional.of(new ServiceProcess(n.longValue(), started instanceof Number s ? s.longValue() : 0L,
                Path.of(String.valueOf(d.details().getOrDefault(LOG, "")))));
    }

    /** What one start (or command run) plus health wait found. */
    record Attempt(boolean healthy, String problem, Long pid, int healthRounds) {}

    /** The environment a service or deploy command of {@code version} sees. */
    Map<String, String> environmentFor(String version, Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>(ctx.environment());
        env.putAll(extra);
        env.put("PERFPLAN_SERVICE", service);
        env.put("PERFPLAN_VERSION", version);
        env.put("PERFPLAN_ENVIRONMENT", environment);
        return env;
    }

    /**
     * Starts a process of {@code version} and waits for its health; updates the details with its pid
     * and stores them in deployment {@code deploymentId} before waiting, so a perfplan killed during
     * the wait leaves the running service on record (and a later deploy or stop can end it).
     */
    Attempt startProcess(long deploymentId, String version, List<String> argv, Path cwd, Map<String, String> extraEnv,
                         HealthInputs health, Map<String, Object> details) {
        Path logRelative = Path.of("logs", service + "-" + Names.fileSafe(version) + ".log");
        Path log = ctx.workDir().resolve(logRelative);
        ServiceProcess p;
        try {
            p = ServiceProcess.start(new ServiceProcess.Launch(argv, cwd, environmentFor(version, extraEnv), log));
        } catch (IOException e) {
            return new Attempt(false, e.getMessage(), null, 0);
        }
        details.put(LOG, log.toString());
        details.put(PID, p.pid());
        details.put(PID_STARTED, p.startedAtMillis());
        deployments.update(deploymentId, State.DEPLOYING, details, false);
        ctx.log("started " + service + " " + version + " (pid " + p.pid() + ", output in " + logRelative + ")");
        return awaitHealth(health, p, logRelative);
    }

    /** Runs a deploy or rollback command for {@code version}, then waits for health. */
    Attempt runCommand(String version, List<String> argv, Path cwd, Map<String, String> extraEnv, HealthInputs health) {
        ctx.log("running " + ctx.mask(String.join(" ", argv)));
        DeployCommand.Result r;
        try {
            r = new DeployCommand(argv, cwd, environmentFor(version, extraEnv), commandTimeout).run(ctx::track, ctx::cancelled);
        } catch (IOException e) {
            return new Attempt(false, e.getMessage(), null, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(false, "interrupted while the deploy command ran", null, 0);
        }
        for (String line : lastLines(r.output(), 10)) {
            ctx.log("  " + line);
        }
        if (!r.succeeded()) {
            return new Attempt(false, "the command `" + ctx.mask(String.join(" ", argv)) + "` "
                    + (r.why() != null ? "was ended: " + r.why() : "exited " + r.exitCode()), null, 0);
        }
        return awaitHealth(health, null, null);
    }

    private Attempt awaitHealth(HealthInputs health, ServiceProcess p, Path logRelative) {
        if (health == null) {
            if (p != null) {
                sleepBriefly();
                if (!p.isAlive()) {
                    return new Attempt(false, exitedMessage(p, logRelative), p.pid(), 0);
                }
            }
            ctx.log("no health checks given; counted healthy" + (p == null ? " because the command succeeded" : " while its process runs"));
            return new Attempt(true, null, p == null ? null : p.pid(), 0);
        }
        ctx.log("waiting up to " + Quantities.format(health.timeout()) + " for " + health.describe());
        HealthPolling.Report r = health.polling().await(health.checks(ctx.workDir(), ctx.environment()),
                () -> p == null || p.isAlive() ? Optional.empty() : Optional.of(exitedMessage(p, logRelative)),
                ctx::cancelled, ctx::log);
        if (r.healthy()) {
            ctx.log("healthy after " + r.rounds() + (r.rounds() == 1 ? " round" : " rounds") + " (" + r.took().toMillis() + " ms)");
            return new Attempt(true, null, p == null ? null : p.pid(), r.rounds());
        }
        String problem = r.lastProblem() != null && r.lastProblem().startsWith("the process") ? r.lastProblem()
                : "not healthy within " + Quantities.format(health.timeout()) + " (" + r.lastProblem() + ")";
        return new Attempt(false, problem, p == null ? null : p.pid(), r.rounds());
    }

    private static String exitedMessage(ServiceProcess p, Path logRelative) {
        String tail = p.logTail(5).strip();
        return "the process " + p.pid() + " exited before it became healthy"
                + (tail.isEmpty() ? " and wrote nothing to " + logRelative : "; the end of " + logRelative + ": " + tail.replace('\n', ' ').trim());
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Returns the service to {@code target}: runs {@code command} when given, else restarts the
     * target's process or runs its deploy command again; waits for {@code health} (default: the
     * target's own checks). Records the result as a new deployment of the target's version.
     */
    Restored restore(Deployment target, List<String> command, HealthInputs health, long replacing, String reason) {
        Map<String, Object> details = new LinkedHashMap<>(target.details());
        details.keySet().removeAll(List.of(PID, PID_STARTED, ERROR, "rollback_of", "reason", "previous_version", LOG));
        details.put("rollback_of", replacing);
        details.put("restored_from", target.id());
        if (reason != null) {
            details.put("reason", ctx.mask(reason));
        }
        HealthInputs checks = health != null ? health : storedHealth(target);
        if (checks != null) {
            details.put(HEALTH, maskTree(checks.toValues()));
        }
        long id = deployments.record(service, environment, target.version(), State.DEPLOYING, runId, details);
        Path cwd = Path.of(String.valueOf(target.details().getOrDefault(CWD, ctx.workDir().toString())));
        Map<String, String> extraEnv = storedEnv(target);
        Attempt a;
        try {
            if (!command.isEmpty()) {
                a = runCommand(target.version(), command, cwd, extraEnv, checks);
            } else if ("process".equals(target.details().get(STRATEGY))) {
                a = startProcess(id, target.version(), storedArgv(target, START), cwd, extraEnv, checks, details);
            } else {
                a = runCommand(target.version(), storedArgv(target, COMMAND), cwd, extraEnv, checks);
            }
        } catch (IllegalStateException e) {
            a = new Attempt(false, e.getMessage(), null, 0);
        }
        if (!a.healthy()) {
            details.put(ERROR, ctx.mask(a.problem()));
        }
        deployments.update(id, a.healthy() ? State.HEALTHY : State.FAILED, details, true);
        return new Restored(id, target.version(), a);
    }

    record Restored(long deploymentId, String version, Attempt attempt) {}

    private static HealthInputs storedHealth(Deployment d) {
        Object h = d.details().get(HEALTH);
        if (!(h instanceof Map<?, ?> m)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) m;
        if (values.toString().contains(MASK)) {
            return null;
        }
        return InputsBinder.bind(values, HealthInputs.class);
    }

    private List<String> storedArgv(Deployment d, String key) {
        Object v = d.details().get(key);
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalStateException(service + " " + d.version() + " was deployed without a recorded `" + key
                    + "`, so it cannot be redone; give the rollback a `command`");
        }
        List<String> argv = list.stream().map(String::valueOf).toList();
        if (argv.stream().anyMatch(a -> a.contains(MASK))) {
            throw new IllegalStateException("the recorded command of " + service + " " + d.version() + " held a secret, which is "
                    + "never stored, so it cannot be restarted from the record; pass secrets through `env` or the plan's "
                    + "environment instead, or give the rollback a `command`");
        }
        return argv;
    }

    private Map<String, String> storedEnv(Deployment d) {
        Map<String, String> out = new LinkedHashMap<>();
        if (d.details().get(ENV) instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String value = String.valueOf(e.getValue());
                if (value.contains(MASK)) {
                    // a masked secret: the plan's environment (ctx.environment) holds the real value when it is an env var
                    String real = ctx.environment().get(String.valueOf(e.getKey()));
                    if (real == null) {
                        throw new IllegalStateException("the recorded env " + e.getKey() + " of " + service + " " + d.version()
                                + " held a secret, which is never stored; export it in the environment to restart that version");
                    }
                    value = real;
                }
                out.put(String.valueOf(e.getKey()), value);
            }
        }
        return out;
    }

    /** The details to store for a new deployment (argv, env and health masked). */
    Map<String, Object> details(String strategy, List<String> argv, List<String> rollbackCommand, Path cwd,
                                Map<String, String> env, HealthInputs health, String previousVersion) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(STRATEGY, strategy);
        d.put(strategy.equals("process") ? START : COMMAND, argv.stream().map(ctx::mask).toList());
        if (!rollbackCommand.isEmpty()) {
            d.put(ROLLBACK_COMMAND, rollbackCommand.stream().map(ctx::mask).toList());
        }
        d.put(CWD, cwd.toString());
        Map<String, Object> maskedEnv = new LinkedHashMap<>();
        env.forEach((k, v) -> maskedEnv.put(k, ctx.mask(v)));
        d.put(ENV, maskedEnv);
        if (health != null) {
            d.put(HEALTH, maskTree(health.toValues()));
        }
        if (previousVersion != null) {
            d.put("previous_version", previousVersion);
        }
        return d;
    }

    private Map<String, Object> maskTree(Map<String, Object> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v instanceof String s ? ctx.mask(s)
                : v instanceof List<?> l ? l.stream().map(x -> ctx.mask(String.valueOf(x))).toList() : v));
        return out;
    }

    /** Sends an alert through every channel; a channel that fails is logged, never fails the step. */
    void alert(String event, String version, String previousVersion, String message) {
        Alert alert = new Alert(event, service, environment, version, previousVersion, ctx.mask(message), ctx.runId(),
                ctx.planName(), Instant.now());
        for (AlertInputs a : alerts) {
            AlertChannel channel = a.channel(ctx::log);
            AlertChannel.Delivery d = channel.send(alert);
            if (a.webhook() != null) {
                ctx.log(d.delivered() ? "alert " + event + " sent to " + ctx.mask(channel.describe())
                        + (d.attempts() > 1 ? " (attempt " + d.attempts() + ")" : "")
                        : "alert " + event + " could not be sent to " + ctx.mask(channel.describe()) + " after " + d.attempts()
                        + (d.attempts() == 1 ? " try: " : " tries: ") + d.problem());
            }
        }
    }

    Path cwd(String cwd) {
        return cwd == null ? ctx.workDir() : ctx.workDir().resolve(cwd).normalize();
    }

    private static Long parseRunId(String runId) {
        try {
            return runId == null ? null : Long.parseLong(runId);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<String> lastLines(String text, int n) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }
}
