package io.perfplan.actions.profile;

import io.perfplan.engine.Direction;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A StepContext for tests that records what an action reports (the engine is not on this branch yet). */
final class RecordingStepContext implements StepContext {

    record Metric(double value, Unit unit, Direction direction) {}

    final Map<String, Metric> metrics = new LinkedHashMap<>();
    final Map<String, double[]> samples = new LinkedHashMap<>();
    final Map<String, Object> outputs = new LinkedHashMap<>();
    final List<String> logs = new ArrayList<>();
    final List<Process> tracked = new ArrayList<>();
    private final Path workDir;

    RecordingStepContext(Path workDir) {
        this.workDir = workDir;
    }

    @Override public String runId() { return "run-1"; }
    @Override public String planName() { return "test"; }
    @Override public String stepId() { return "prof"; }
    @Override public int attempt() { return 1; }
    @Override public Path workDir() { return workDir; }
    @Override public Map<String, String> environment() { return System.getenv(); }
    @Override public void metric(String name, double value, Unit unit, Direction direction) { metrics.put(name, new Metric(value, unit, direction)); }
    @Override public void samples(String name, double[] values, Unit unit) { samples.put(name, values); }
    @Override public void histogram(String name, byte[] encoded) { }
    @Override public void output(String name, Object value) { outputs.put(name, value); }
    @Override public void log(String message) { logs.add(message); }
    @Override public String mask(String text) { return text; }
    @Override public boolean cancelled() { return false; }
    @Override public Duration remaining() { return Duration.ofSeconds(60); }
    @Override public synchronized Process track(Process process) { tracked.add(process); return process; }

    double metric(String name) {
        Metric m = metrics.get(name);
        if (m == null) {
            throw new AssertionError("no metric " + name + " in " + metrics.keySet());
        }
        return m.value();
    }
}
