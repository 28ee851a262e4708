package io.perfplan.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link StepContext} the engine gives an action: it collects metrics, samples, histograms and
 * outputs for the store, masks secrets in what it passes on, and ends tracked processes when the
 * step is cancelled.
 */
final class RecordingStepContext implements StepContext {

    record Samples(String name, double[] values, Unit unit) {}

    record Histogram(String name, byte[] encoded) {}

    private final String runId;
    private final String planName;
    private final String stepId;
    private final int attempt;
    private final Path workDir;
    private final Map<String, String> environment;
    private final SecretMasker masker;
    private final RunListener listener;
    private final Cancellation cancellation;
    private final long deadlineNanos;
    private final RunHistory history;
    private final Deployments deployments;
    private Optimizations optimizations;
    private StepRunner nestedSteps;

    final Map<String, StepReport.RecordedMetric> metrics = new LinkedHashMap<>();
    final List<Samples> samples = new ArrayList<>();
    final List<Histogram> histograms = new ArrayList<>();
    final Map<String, Object> outputs = new LinkedHashMap<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    /** This attempt's span, and the run's trace id (empty when telemetry is off); set by the engine. */
    io.perfplan.telemetry.RunTelemetry.StepTrace trace = io.perfplan.telemetry.RunTelemetry.StepTrace.NONE;
    String traceId = "";

    RecordingStepContext(String runId, String planName, String stepId, int attempt, Path workDir,
                         Map<String, String> environment, SecretMasker masker, RunListener listener,
                         Cancellation cancellation, long deadlineNanos, RunHistory history,
                         Deployments deployments) {
        this.runId = runId;
        this.planName = planName;
        this.stepId = stepId;
        this.attempt = attempt;
        this.workDir = workDir;
        this.environment = Map.copyOf(environment);
        this.masker = masker;
        this.listener = listener;
        this.cancellation = cancellation;
        this.deadlineNanos = deadlineNanos;
        this.history = history;
        this.deployments = deployments;
        cancellation.onCancel(this::endProcesses);
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public String planName() {
        return planName;
    }

    @Override
    public String stepId() {
        return stepId;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Path workDir() {
        return workDir;
    }

    @Override
    public Map<String, String> environment() {
        return environment;
    }

    @Override
    public synchronized void metric(String name, double value, Unit unit, Direction direction) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return; // not a measurement; nothing to gate on
        }
        metrics.put(name, new StepReport.RecordedMetric(name, value, unit, direction));
    }

    @Override
    public synchronized void samples(String name, double[] values, Unit unit) {
        samples.removeIf(s -> s.name().equals(name));
        samples.add(new Samples(name, values.clone(), unit));
    }

    @Override
    public synchronized void histogram(String name, byte[] encoded) {
        histograms.removeIf(h -> h.name().equals(name));
        histograms.add(new Histogram(name, encoded.clone()));
        trace.histogram(name, encoded);
    }

    @Override
    public synchronized void output(String name, Object value) {
        outputs.put(name, masker.maskTree(value));
    }

    @Override
    public void log(String message) {
        listener.stepLog(stepId, masker.mask(message));
    }

    @Override
    public void alert(String rule, String severity, String message, java.time.Instant firedAt) {
        String masked = masker.mask(message);
        log(masked);
        history.recordAlert(Long.parseLong(runId), stepId, masker.mask(rule), severity, masked, firedAt);
    }

    @Override
    public io.perfplan.telemetry.SpanScope span(String name) {
        return trace.child(name);
    }

    @Override
    public java.util.Optional<String> traceId() {
        return traceId.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(traceId);
    }

    @Override
    public java.time.Instant runStarted() {
        return history == null ? java.time.Instant.now()
                : history.runStarted(Long.parseLong(runId)).orElseGet(java.time.Instant::now);
    }

    @Override
    public String mask(String text) {
        return masker.mask(text);
    }

    @Override
    public boolean cancelled() {
        return cancellation.isCancelled() || System.nanoTime() - deadlineNanos > 0;
    }

    @Override
    public Duration remaining() {
        long left = deadlineNanos - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    @Override
    public Process track(Process process) {
        processes.add(process);
        if (cancellation.isCancelled()) {
            endProcesses();
        }
        return process;
    }

    @Override
    public RunHistory history() {
        return history;
    }

    @Override
    public Deployments deployments() {
        return deployments;
    }

    /** Gives the step access to stored optimizations (set by the engine before the action runs). */
    RecordingStepContext withOptimizations(Optimizations optimizations) {
        this.optimizations = optimizations;
        return this;
    }

    /** Lets the step run nested steps (set by the engine before the action runs). */
    RecordingStepContext withNestedSteps(StepRunner runner) {
        this.nestedSteps = runner;
        return this;
    }

    @Override
    public StepRunner nestedSteps() {
        return nestedSteps == null ? StepContext.super.nestedSteps() : nestedSteps.under(trace);
    }

    @Override
    public Optimizations optimizations() {
        if (optimizations == null) {
            return StepContext.super.optimizations();
        }
        return optimizations;
    }

    /** Ends every tracked process that is still running, with its descendants. */
    void endProcesses() {
        for (Process p : processes) {
            if (p.isAlive()) {
                ProcessTree.destroy(p.toHandle(), Duration.ofSeconds(2));
            }
        }
    }
}
