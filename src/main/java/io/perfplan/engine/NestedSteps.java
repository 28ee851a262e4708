package io.perfplan.engine;

import io.perfplan.plan.InputsBinder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's {@link StepRunner}: each nested step gets its own context under the enclosing step's
 * cancellation and deadline, and its own span ({@code step <parent>.<id>}) under the span it runs in.
 */
final class NestedSteps implements StepRunner {

    private final ActionRegistry actions;
    private final String runId;
    private final String plan;
    private final String parentStepId;
    private final int attempt;
    private final Path workDir;
    private final Map<String, String> environment;
    private final SecretMasker masker;
    private final RunListener listener;
    private final Cancellation cancellation;
    private final long deadlineNanos;
    private final RunHistory history;
    private final Deployments deployments;
    private final io.perfplan.telemetry.SpanParent parent;

    NestedSteps(ActionRegistry actions, String runId, String plan, String parentStepId, int attempt, Path workDir,
                Map<String, String> environment, SecretMasker masker, RunListener listener, Cancellation cancellation,
                long deadlineNanos, RunHistory history, Deployments deployments) {
        this(actions, runId, plan, parentStepId, attempt, workDir, environment, masker, listener, cancellation, deadlineNanos,
                history, deployments, io.perfplan.telemetry.RunTelemetry.StepTrace.NONE);
    }

    private NestedSteps(ActionRegistry actions, String runId, String plan, String parentStepId, int attempt, Path workDir,
                        Map<String, String> environment, SecretMasker masker, RunListener listener, Cancellation cancellation,
                        long deadlineNanos, RunHistory history, Deployments deployments, io.perfplan.telemetry.SpanParent parent) {
        this.parent = parent;
        this.actions = actions;
        this.runId = runId;
        this.plan = plan;
        this.parentStepId = parentStepId;
        this.attempt = attempt;
        this.workDir = workDir;
        this.environment = environment;
        this.masker = masker;
        this.listener = listener;
        this.cancellation = cancellation;
        this.deadlineNanos = deadlineNanos;
        this.history = history;
        this.deployments = deployments;
    }

    @Override
    public NestedSteps under(io.perfplan.telemetry.SpanParent spans) {
        return new NestedSteps(actions, runId, plan, parentStepId, attempt, workDir, environment, masker, listener, cancellation,
                deadlineNanos, history, deployments, spans);
    }

    @Override
    public void check(List<NestedStep> steps) {
        Set<String> ids = new HashSet<>();
        for (NestedStep s : steps) {
            if (s.id() == null || !s.id().matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("a nested step has the id '" + s.id() + "'; give each one an id of letters, digits, '_' or '-'.");
            }
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("nested step id '" + s.id() + "' is used twice; make ids unique.");
            }
            Action<?> action = actions.get(s.action()).orElseThrow(() -> new IllegalArgumentException("nested step '" + s.id()
                    + "' uses action '" + s.action() + "', which does not exist" + io.perfplan.plan.Suggestions.didYouMean(
                    String.valueOf(s.action()), actions.names()) + "."));
            try {
                InputsBinder.bind(s.with() == null ? Map.of() : s.with(), action.spec().inputs());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("nested step '" + s.id() + "': " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Result run(List<NestedStep> steps) {
        check(steps);
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, double[]> samples = new LinkedHashMap<>();
        Map<String, Map<String, Object>> outputs = new LinkedHashMap<>();
        for (NestedStep s : steps) {
            Action<?> action = actions.get(s.action()).orElseThrow();
            String id = parentStepId + "." + s.id();
            RecordingStepContext ctx = new RecordingStepContext(runId, plan, id, attempt, workDir,
                    environment, masker, listener, cancellation, deadlineNanos, history, deployments);
            ctx.trace = parent.startStep(id, s.action(), attempt);
            long started = System.nanoTime();
            Outcome outcome;
            try {
                Object inputs = InputsBinder.bind(s.with() == null ? Map.of() : s.with(), action.spec().inputs());
                outcome = execute(action, inputs, ctx);
            } catch (Exception e) {
                outcome = Outcome.fail(Engine.message(e));
            } finally {
                ctx.endProcesses();
            }
            Status traced = ctx.cancelled() ? Status.CANCELLED : outcome.passed() ? Status.PASSED : Status.FAILED;
            ctx.trace.end(traced.id(), traced == Status.PASSED ? null : masker.mask(outcome.message()),
                    java.time.Duration.ofNanos(System.nanoTime() - started));
            synchronized (ctx) {
                ctx.metrics.forEach((name, m) -> metrics.put(s.id() + "." + name, m.value()));
                ctx.samples.forEach(x -> samples.put(s.id() + "." + x.name(), x.values()));
                outputs.put(s.id(), new LinkedHashMap<>(ctx.outputs));
            }
            if (!outcome.passed() || ctx.cancelled()) {
                String why = ctx.cancelled() && cancellation.reason() != null ? cancellation.reason() : outcome.message();
                return new Result(false, masker.mask("nested step '" + s.id() + "' failed: " + why), metrics, samples, outputs);
            }
        }
        return new Result(true, null, metrics, samples, outputs);
    }

    @SuppressWarnings("unchecked")
    private static <I> Outcome execute(Action<I> action, Object inputs, StepContext ctx) throws Exception {
        Outcome o = action.execute((I) inputs, ctx);
        return o == null ? Outcome.pass() : o;
    }
}
