package io.perfplan.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.perfplan.plan.Expressions;
import io.perfplan.plan.ExpressionLanguage;
import io.perfplan.plan.InputsBinder;
import io.perfplan.plan.ParallelGroup;
import io.perfplan.plan.ParamValues;
import io.perfplan.plan.Plan;
import io.perfplan.plan.Quantities;
import io.perfplan.plan.Step;
import io.perfplan.plan.StepNode;
import io.perfplan.plan.Template;
import io.perfplan.store.RunRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a validated plan: parameters, vars and env first, then the steps in order ({@code parallel}
 * groups together), each with its condition, timeout and retries, then {@code finally}. Each step
 * attempt is stored as it starts and as it ends, by the run's {@link RunRecorder} on its own thread,
 * before the listener hears of it. Cancelling the run's {@link Cancellation} ends running steps and
 * their child processes; {@code finally} still runs and the run is recorded {@code cancelled}.
 */
public final class Engine {

    /** Time a cancelled or timed-out action gets to return before it is abandoned. */
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration FINALLY_LIMIT = Duration.ofMinutes(5);

    private final ActionRegistry actions;
    private final RunRepository store;
    private final Expressions expressions;
    private final ObjectMapper json = InputsBinder.mapperForJson();
    private io.perfplan.telemetry.RunTelemetry telemetry = io.perfplan.telemetry.RunTelemetry.NONE;
    private final Deployments deployments;

    public Engine(ActionRegistry actions, RunRepository store, Expressions expressions) {
        this.actions = actions;
        this.store = store;
        this.expressions = expressions;
        this.deployments = new StoreDeployments(store.deployments());
    }

    /** Traces runs with {@code telemetry} (each run a trace, each step attempt a span); returns this engine. */
    public Engine withTelemetry(io.perfplan.telemetry.RunTelemetry telemetry) {
        this.telemetry = telemetry;
        return this;
    }

    /** How a run is started; {@code environment} is what secrets and child processes see (normally the process's own). */
    public record RunOptions(String trigger, RunListener listener, Cancellation cancellation, Map<String, String> environment) {
        public static RunOptions cli(RunListener listener, Cancellation cancellation) {
            return new RunOptions("cli", listener, cancellation, System.getenv());
        }
    }

    /** Checks and converts {@code -p} values against the plan's params; throws {@link IllegalArgumentException} with one sentence. */
    public static Map<String, Object> resolveParams(Plan plan, Map<String, String> given) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : given.keySet()) {
            if (!plan.params().containsKey(name)) {
                throw new IllegalArgumentException("the plan has no parameter '" + name + "'"
                        + io.perfplan.plan.Suggestions.didYouMean(name, plan.params().keySet())
                        + (plan.params().isEmpty() ? "; it takes none" : "; it takes: " + String.join(", ", plan.params().keySet())));
            }
        }
        for (Plan.Param p : plan.params().values()) {
            if (given.containsKey(p.name())) {
                try {
                    out.put(p.name(), ParamValues.coerce(given.get(p.name()), p.type()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("parameter '" + p.name() + "': " + e.getMessage());
                }
            } else if (p.defaultValue() != null) {
                out.put(p.name(), p.defaultValue());
            } else if (p.required()) {
                throw new IllegalArgumentException("the plan needs parameter '" + p.name() + "'; pass it with -p " + p.name() + "=VALUE");
            } else {
                out.put(p.name(), null);
            }
        }
        return out;
    }

    /** Values of the plan's secrets from the environment; throws {@link IllegalArgumentException} when one is not set. */
    public static Map<String, String> resolveSecrets(Plan plan, Map<String, String> environment) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : plan.secrets()) {
            String v = environment.get(name);
            if (v == null) {
                throw new IllegalArgumentException("secret " + name + " is not set; export it in the environment before running the plan");
            }
            out.put(name, v);
        }
        return out;
    }

    public RunReport run(Plan plan, Map<String, Object> params, RunOptions options) {
        Instant started = Instant.now();
        Map<String, String> secrets = resolveSecrets(plan, options.environment());
        SecretMasker masker = new SecretMasker(List.copyOf(secrets.values()));
        SecretMasker.addToProcess(secrets.values());
        long runId = store.startRun(plan.name(), options.trigger(), masker.mask(toJson(params)),
                plan.file() == null ? null : plan.file().toString());
        try (RunRecorder recorder = new RunRecorder(store, runId)) {
            return run(plan, params, options, runId, started, secrets, masker, recorder);
        }
    }

    private RunReport run(Plan plan, Map<String, Object> params, RunOptions options, long runId, Instant started,
                          Map<String, String> secrets, SecretMasker masker, RunRecorder recorder) {
        Map<String, String> processEnv = options.environment();
        RunListener listener = recorder.inOrder(masked(options.listener(), masker));
        RunState state = new RunState(plan, runId, masker, listener, recorder);
        state.trace = io.perfplan.telemetry.MaskedTrace.of(telemetry.startRun(plan.name(), runId), masker::mask);
        if (!state.trace.traceId().isEmpty()) {
            store.setTraceId(runId, state.trace.traceId());
        }
        state.actions = actions.forPlan(plan);
        Cancellation runCancel = options.cancellation();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "perfplan-step");
            t.setDaemon(true);
            return t;
        });
        String error = null;
        try {
            listener.runStarted(runId, plan.name(), plan.allSteps().size());
            Optional<Duration> planTimeout = plan.timeout();
            long deadline = planTimeout.map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
            Thread watchdog = null;
            if (planTimeout.isPresent()) {
                watchdog = startWatchdog(runCancel, deadline, "the plan's timeout of " + Quantities.format(planTimeout.get()) + " was reached");
            }
            try {
                state.scope = baseScope(plan, params, secrets, runId, started, processEnv, state);
                for (StepNode node : plan.steps()) {
                    if (runCancel.isCancelled()) {
                        node.steps().forEach(s -> state.skip(s, "not started: " + runCancel.reason()));
                        continue;
                    }
                    runNode(node, state, runCancel, deadline, pool, false);
                }
            } catch (RuntimeException e) {
                error = masker.mask(e.getMessage());
            } finally {
                if (watchdog != null) {
                    watchdog.interrupt();
                }
            }
            // finally steps run with a fresh token: the run may already be cancelled
            Cancellation finallyCancel = new Cancellation();
            long finallyDeadline = System.nanoTime() + FINALLY_LIMIT.toNanos();
            if (state.scope == null) {
                state.scope = new LinkedHashMap<>();
            }
            for (StepNode node : plan.finallySteps()) {
                runNode(node, state, finallyCancel, finallyDeadline, pool, true);
            }
        } finally {
            pool.shutdownNow();
        }
        Status status;
        if (runCancel.isCancelled() && !isTimeout(runCancel)) {
            status = Status.CANCELLED;
            error = error != null ? error : runCancel.reason();
        } else if (error != null || runCancel.isCancelled() || state.reports().stream().anyMatch(StepReport::failsRun)) {
            status = Status.FAILED;
            if (error == null) {
                error = runCancel.isCancelled() ? runCancel.reason() : state.reports().stream().filter(StepReport::failsRun)
                        .findFirst().map(r -> "step '" + r.stepId() + "' failed: " + r.message()).orElse(null);
            }
        } else {
            status = Status.PASSED;
        }
        error = masker.mask(error);
        recorder.sync(); // every step stored before the run is
        store.finishRun(runId, status.id(), error);
        plan.retention().ifPresent(keep -> applyRetention(plan, keep, listener));
        state.trace.end(status.id(), error, Duration.between(started, Instant.now()));
        RunReport report = new RunReport(runId, plan.name(), status, Duration.between(started, Instant.now()),
                state.reports().stream().map(r -> r.masked(masker)).toList(), error);
        listener.runFinished(report);
        return report;
    }

    /** {@code listener} seeing every text with the run's secrets masked: the one way run events reach the outside. */
    private static RunListener masked(RunListener listener, SecretMasker masker) {
        if (masker.isEmpty()) {
            return listener;
        }
        return new RunListener() {
            @Override
            public void runStarted(long runId, String plan, int steps) {
                listener.runStarted(runId, plan, steps);
            }

            @Override
            public void stepStarted(String stepId, String action, int attempt) {
                listener.stepStarted(stepId, action, attempt);
            }

            @Override
            public void stepLog(String stepId, String message) {
                listener.stepLog(stepId, masker.mask(message));
            }

            @Override
            public void stepFinished(StepReport step) {
                listener.stepFinished(step.masked(masker));
            }

            @Override
            public void runFinished(RunReport run) {
                listener.runFinished(new RunReport(run.runId(), run.plan(), run.status(), run.duration(),
                        run.steps().stream().map(s -> s.masked(masker)).toList(), masker.mask(run.error())));
            }
        };
    }

    /**
     * The plan's {@code retention: {keep: 90d}}: when a run of the plan ends (from {@code run} or a
     * schedule), its runs older than {@code keep} are deleted, except what baselines need. A failure
     * to prune is reported and does not change the run's result.
     */
    private void applyRetention(Plan plan, Duration keep, RunListener listener) {
        try {
            io.perfplan.store.Retention.Outcome o = store.retention().prune(Instant.now().minus(keep), plan.name(), false);
            if (!o.deleted().isEmpty()) {
                listener.stepLog("retention", o.summary(false, keep));
            }
        } catch (io.perfplan.store.StoreException e) {
            listener.stepLog("retention", "old runs were not pruned: " + e.getMessage());
        }
    }

    private static boolean isTimeout(Cancellation c) {
        return c.reason() != null && c.reason().startsWith("the plan's timeout");
    }

    private static Thread startWatchdog(Cancellation cancel, long deadline, String reason) {
        Thread t = new Thread(() -> {
            try {
                long left;
                while ((left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.sleep(left);
                }
                cancel.cancel(reason);
            } catch (InterruptedException ignored) {
                // the run ended first
            }
        }, "perfplan-plan-timeout");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void runNode(StepNode node, RunState state, Cancellation cancel, long deadline, ExecutorService pool, boolean inFinally) {
        if (node instanceof Step s) {
            runStep(s, state, cancel, deadline, pool, inFinally);
            return;
        }
        List<Future<?>> futures = new ArrayList<>();
        for (Step s : ((ParallelGroup) node).steps()) {
            futures.add(pool.submit(() -> runStep(s, state, cancel, deadline, pool, inFinally)));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (Exception e) {
                throw new IllegalStateException("a parallel step could not be run: " + e.getMessage(), e);
            }
        }
    }

    private void runStep(Step step, RunState state, Cancellation runCancel, long runDeadline, ExecutorService pool, boolean inFinally) {
        Map<String, Object> scope = state.scopeSnapshot();
        boolean run;
        try {
            String condition = step.condition().orElse(inFinally ? "always()" : "success()");
            String text = condition.contains("${") ? condition : "${" + condition + "}";
            run = Expressions.truthy(Template.parse(text).render(expressions, scope));
        } catch (RuntimeException e) {
            state.finish(step, Status.FAILED, 1, Duration.ZERO, "its `if` could not be evaluated: " + message(e), Map.of(), Map.of(), null);
            return;
        }
        if (!run) {
            state.skip(step, step.condition().isPresent() ? "`if` is false" : "an earlier step failed");
            return;
        }
        Action<?> action = state.actions.get(step.action()).orElseThrow(() -> new IllegalStateException(
                "no action '" + step.action() + "' (a script defining it did not load; run `perfplan validate` on the plan)"));
        Step.Retry retry = step.retry().orElse(new Step.Retry(1, Duration.ZERO, 1, Optional.empty()));
        Duration delay = retry.delay();
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            Attempt a = attempt(step, action, attempt, state, runCancel, runDeadline, pool);
            boolean last = attempt == retry.attempts() || runCancel.isCancelled();
            boolean done = a.status == Status.PASSED;
            String message = a.message;
            if (done && retry.until().isPresent()) {
                Map<String, Object> self = new LinkedHashMap<>(state.scopeSnapshot());
                self.put("status", a.status.id());
                self.put("outputs", a.outputs);
                self.put("metrics", new DottedMap(a.metricValues()));
                self.put("attempt", (long) attempt);
                try {
                    String u = retry.until().get();
                    done = Expressions.truthy(Template.parse(u.contains("${") ? u : "${" + u + "}").render(expressions, self));
                } catch (RuntimeException e) {
                    done = false;
                    message = "`retry.until` could not be evaluated: " + message(e);
                    last = true;
                }
                if (!done && last) {
                    message = message != null ? message : "`retry.until` was still false after " + attempt + " attempts";
                }
            }
            if (done || last || a.status == Status.CANCELLED) {
                Status status = done ? Status.PASSED : a.status == Status.PASSED ? Status.FAILED : a.status;
                state.finish(step, status, attempt, a.duration, message, a.outputs, a.metrics, a.row);
                return;
            }
            state.listener.stepLog(step.id(), "attempt " + attempt + " of " + retry.attempts()
                    + (a.status == Status.PASSED ? " did not meet `until`" : " failed: " + a.message)
                    + "; retrying in " + Quantities.format(delay));
            if (!sleep(delay, runCancel)) {
                state.finish(step, Status.CANCELLED, attempt, a.duration, runCancel.reason(), a.outputs, a.metrics, a.row);
                return;
            }
            delay = Duration.ofMillis(Math.round(delay.toMillis() * retry.backoff()));
        }
    }

    /** One attempt, queued for the run's writer when this returns (stored before anyone hears of it). */
    private record Attempt(Status status, String message, Duration duration, Map<String, Object> outputs,
                           Map<String, StepReport.RecordedMetric> metrics, RunRepository.StepRef row) {
        Map<String, Object> metricValues() {
            Map<String, Object> m = new LinkedHashMap<>();
            metrics.forEach((k, v) -> m.put(k, v.value()));
            return m;
        }
    }

    private Attempt attempt(Step step, Action<?> action, int attempt, RunState state, Cancellation runCancel,
                            long runDeadline, ExecutorService pool) {
        long start = System.nanoTime();
        RunRepository.StepRef row = state.recorder.start(step.id(), step.action(), attempt);
        state.listener.stepStarted(step.id(), step.action(), attempt);
        long deadline = step.timeout().map(t -> Math.min(start + t.toNanos(), runDeadline)).orElse(runDeadline);
        Cancellation cancel = runCancel.child();
        RecordingStepContext ctx = new RecordingStepContext(String.valueOf(state.runId), state.plan.name(), step.id(), attempt,
                state.workDir, state.environment, state.masker, state.listener, cancel, deadline, state.history, deployments)
                .withOptimizations(new StoreOptimizations(store.optimizations(), state.runId, state.plan.name(), step.id(), attempt))
                .withNestedSteps(new NestedSteps(actions, String.valueOf(state.runId), state.plan.name(), step.id(), attempt,
                        state.workDir, state.environment, state.masker, state.listener, cancel, deadline, state.history, deployments));
        ctx.trace = state.trace.startStep(step.id(), step.action(), attempt);
        ctx.traceId = state.trace.traceId();
        Status status;
        String message = null;
        Map<String, Object> scope = state.scopeSnapshot();
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> rendered = (Map<String, Object>) Template.renderTree(step.with(), expressions, scope);
            Object inputs = InputsBinder.bind(rendered, state.actions.inputsOf(step.action()).orElseThrow());
            Future<Outcome> future = pool.submit(() -> execute(action, inputs, ctx));
            Outcome outcome;
            try {
                long wait = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadline - System.nanoTime());
                outcome = waitFor(future, wait, cancel);
            } catch (TimeoutException e) {
                String why = deadline == runDeadline && step.timeout().map(t -> start + t.toNanos() > runDeadline).orElse(true)
                        ? runCancel.reason() != null ? runCancel.reason() : "the plan's timeout was reached"
                        : "timed out after " + Quantities.format(step.timeout().orElseThrow());
                cancel.cancel(why);
                future.cancel(true);
                awaitQuietly(future);
                outcome = Outcome.fail(why);
            }
            if (cancel.isCancelled() && runCancel.isCancelled() && !isTimeout(runCancel)) {
                status = Status.CANCELLED;
                message = runCancel.reason();
            } else {
                status = outcome.passed() ? Status.PASSED : Status.FAILED;
                message = outcome.message();
            }
        } catch (RuntimeException e) {
            status = Status.FAILED;
            message = message(e);
        } finally {
            ctx.endProcesses();
        }
        Map<String, Object> outputs = new LinkedHashMap<>(ctx.outputs);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Map<String, StepReport.RecordedMetric> metrics = Map.copyOf(ctx.metrics);
        // declared outputs: expressions over the step's own result
        if (!step.outputs().isEmpty()) {
            Map<String, Object> self = state.scopeSnapshot();
            Map<String, Object> steps = new LinkedHashMap<>(castMap(self.get("steps")));
            steps.put(step.id(), stepView(status, outputs, metrics, attempt, message));
            self.put("steps", steps);
            self.put("outputs", outputs);
            self.put("metrics", new DottedMap(metricValues(metrics)));
            for (Map.Entry<String, Object> e : step.outputs().entrySet()) {
                try {
                    outputs.put(e.getKey(), state.masker.maskTree(Template.renderTree(e.getValue(), expressions, self)));
                } catch (RuntimeException ex) {
                    status = Status.FAILED;
                    message = "output '" + e.getKey() + "' could not be evaluated: " + message(ex);
                }
            }
        }
        message = state.masker.mask(message);
        List<RunRepository.MetricRow> metricRows = new ArrayList<>();
        metrics.values().forEach(m -> metricRows.add(new RunRepository.MetricRow(step.id(), m.name(), m.unit().symbol().isEmpty()
                ? m.unit().name().toLowerCase(java.util.Locale.ROOT) : m.unit().symbol(), m.direction().name().toLowerCase(java.util.Locale.ROOT), m.value())));
        List<RunRepository.SampleRow> sampleRows = ctx.samples.stream()
                .map(s -> new RunRepository.SampleRow(step.id(), s.name(), s.unit().symbol(), s.values())).toList();
        List<RunRepository.HistogramRow> histRows = ctx.histograms.stream()
                .map(h -> new RunRepository.HistogramRow(step.id(), h.name(), h.encoded())).toList();
        state.recorder.finish(row, step.id(), attempt, new RunRepository.StepResult(status.id(),
                state.masker.mask(toJson(outputs)), message, metricRows, sampleRows, histRows));
        ctx.trace.end(status.id(), message, took);
        return new Attempt(status, message, took, outputs, metrics, row);
    }

    @SuppressWarnings("unchecked")
    private static <I> Outcome execute(Action<I> action, Object inputs, StepContext ctx) throws Exception {
        Outcome o = action.execute((I) inputs, ctx);
        return o == null ? Outcome.pass() : o;
    }

    private static Outcome waitFor(Future<Outcome> future, long nanos, Cancellation cancel) throws TimeoutException {
        long end = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + nanos;
        while (true) {
            long slice = Math.min(TimeUnit.MILLISECONDS.toNanos(50), end == Long.MAX_VALUE ? Long.MAX_VALUE : end - System.nanoTime());
            if (slice <= 0) {
                throw new TimeoutException();
            }
            try {
                return future.get(slice, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (cancel.isCancelled()) {
                    future.cancel(true);
                    awaitQuietly(future);
                    return Outcome.fail(cancel.reason());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel.cancel("interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                return Outcome.fail(message(cause));
            } catch (java.util.concurrent.CancellationException e) {
                return Outcome.fail(cancel.reason() != null ? cancel.reason() : "cancelled");
            }
        }
    }

    private static void awaitQuietly(Future<?> f) {
        try {
            f.get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // abandoned after the grace period
        }
    }

    private static boolean sleep(Duration d, Cancellation cancel) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            if (cancel.isCancelled()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !cancel.isCancelled();
    }

    private Map<String, Object> baseScope(Plan plan, Map<String, Object> params, Map<String, String> secrets, long runId,
                                          Instant started, Map<String, String> processEnv, RunState state) {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("params", Collections.unmodifiableMap(new LinkedHashMap<>(params)));
        scope.put("secrets", Map.copyOf(secrets));
        scope.put("run", Map.of("id", runId, "plan", plan.name(), "started", started.toString()));
        Map<String, Object> env = new LinkedHashMap<>(processEnv);
        scope.put("env", env);
        Map<String, Object> vars = new LinkedHashMap<>();
        scope.put("vars", vars);
        for (Map.Entry<String, Object> e : plan.vars().entrySet()) {
            try {
                vars.put(e.getKey(), Template.renderTree(e.getValue(), expressions, scope));
            } catch (RuntimeException ex) {
                throw new IllegalStateException("vars." + e.getKey() + " could not be computed: " + message(ex), ex);
            }
        }
        Map<String, String> planEnv = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : plan.env().entrySet()) {
            try {
                Object v = Template.renderTree(e.getValue(), expressions, scope);
                planEnv.put(e.getKey(), v == null ? "" : String.valueOf(v));
            } catch (RuntimeException ex) {
                throw new IllegalStateException("env." + e.getKey() + " could not be computed: " + message(ex), ex);
            }
        }
        env.putAll(planEnv);
        Map<String, String> childEnv = new LinkedHashMap<>(processEnv);
        childEnv.putAll(planEnv);
        state.environment = childEnv;
        scope.put("steps", new LinkedHashMap<String, Object>());
        scope.put("success", (Supplier<Boolean>) () -> state.reports().stream().noneMatch(StepReport::failsRun));
        scope.put("failure", (Supplier<Boolean>) () -> state.reports().stream().anyMatch(StepReport::failsRun));
        scope.put("always", (Supplier<Boolean>) () -> true);
        scope.put("passed", (Function<String, Boolean>) id -> state.statusOf(id) == Status.PASSED);
        scope.put("failed", (Function<String, Boolean>) id -> {
            Status s = state.statusOf(id);
            return s == Status.FAILED || s == Status.CANCELLED;
        });
        return scope;
    }

    static Map<String, Object> stepView(Status status, Map<String, Object> outputs, Map<String, StepReport.RecordedMetric> metrics,
                                        int attempts, String error) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("status", status.id());
        v.put("outputs", Collections.unmodifiableMap(new LinkedHashMap<>(outputs)));
        v.put("metrics", new DottedMap(metricValues(metrics)));
        v.put("attempts", (long) attempts);
        v.put("error", error);
        return v;
    }

    private static Map<String, Object> metricValues(Map<String, StepReport.RecordedMetric> metrics) {
        Map<String, Object> m = new LinkedHashMap<>();
        metrics.forEach((k, v) -> m.put(k, v.value()));
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private String toJson(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            return String.valueOf(o);
        }
    }

    static String message(Throwable e) {
        if (e instanceof ExpressionLanguage.ExpressionError) {
            return e.getMessage();
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The mutable state of one run, shared by parallel steps. */
    private final class RunState {
        final Plan plan;
        final long runId;
        final SecretMasker masker;
        final RunListener listener;
        /** Stores the steps, behind them; what the steps read of the history waits for it. */
        final RunRecorder recorder;
        final RunHistory history;
        final Path workDir;
        Map<String, String> environment = Map.of();
        ActionRegistry actions;
        Map<String, Object> scope;
        io.perfplan.telemetry.RunTelemetry.RunTrace trace = io.perfplan.telemetry.RunTelemetry.RunTrace.NONE;
        private final List<StepReport> reports = new ArrayList<>();

        RunState(Plan plan, long runId, SecretMasker masker, RunListener listener, RunRecorder recorder) {
            this.plan = plan;
            this.runId = runId;
            this.masker = masker;
            this.listener = listener;
            this.recorder = recorder;
            this.history = new StoreRunHistory(store, recorder::sync);
            Path file = plan.file();
            this.workDir = file == null || file.toAbsolutePath().getParent() == null ? Path.of("").toAbsolutePath()
                    : projectDir(file.toAbsolutePath());
        }

        synchronized List<StepReport> reports() {
            return new ArrayList<>(reports);
        }

        synchronized Status statusOf(String id) {
            return reports.stream().filter(r -> r.stepId().equals(id)).map(StepReport::status).findFirst().orElse(null);
        }

        /** A copy of the scope with the steps finished so far; each step reads a stable picture. */
        synchronized Map<String, Object> scopeSnapshot() {
            Map<String, Object> s = new LinkedHashMap<>(scope);
            s.put("steps", new LinkedHashMap<>(castMap(scope.get("steps"))));
            return s;
        }

        synchronized void skip(Step step, String why) {
            store(step, 1, Status.SKIPPED, why);
            record(new StepReport(step.id(), step.action(), Status.SKIPPED, 0, Duration.ZERO, why, step.continueOnError(), Map.of(), List.of()));
        }

        synchronized void finish(Step step, Status status, int attempts, Duration took, String message,
                                 Map<String, Object> outputs, Map<String, StepReport.RecordedMetric> metrics, RunRepository.StepRef row) {
            message = masker.mask(message);
            if (row == null) {
                store(step, attempts, status, message);
            } else if (status != Status.PASSED && message != null) {
                // the attempt row may have been stored as passed before `until` was checked
                recorder.updateStatus(row, status.id(), message);
            }
            record(new StepReport(step.id(), step.action(), status, attempts, took, message, step.continueOnError(),
                    outputs, List.copyOf(metrics.values())));
        }

        /** Stores a step that ran no action (skipped, or its `if` failed); an earlier attempt's metrics are replaced. */
        private void store(Step step, int attempts, Status status, String message) {
            RunRepository.StepRef row = recorder.start(step.id(), step.action(), attempts);
            recorder.finish(row, step.id(), Integer.MAX_VALUE,
                    new RunRepository.StepResult(status.id(), "{}", message, List.of(), List.of(), List.of()));
        }

        private void record(StepReport r) {
            reports.add(r);
            Map<String, Object> steps = castMap(scope.get("steps"));
            Map<String, StepReport.RecordedMetric> m = new LinkedHashMap<>();
            r.metrics().forEach(x -> m.put(x.name(), x));
            Map<String, Object> copy = new LinkedHashMap<>(steps);
            copy.put(r.stepId(), stepView(r.status(), r.outputs(), m, r.attempts(), r.message()));
            scope.put("steps", copy);
            listener.stepFinished(r);
        }
    }

    /** The project folder of a plan: the parent of {@code plans/} when the plan lives there, else the plan's folder. */
    public static Path projectDir(Path planFile) {
        return Plan.projectDirOf(planFile);
    }
}
