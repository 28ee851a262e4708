package io.perfplan.actions.loadtest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.perfplan.engine.Direction;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;

/** A step context for tests that keeps everything the action reports (the engine is not on this branch yet). */
final class RecordingStepContext implements StepContext {

    record Metric(double value, Unit unit, Direction direction) {}

    final Map<String, Metric> metrics = new LinkedHashMap<>();
    final Map<String, double[]> samples = new LinkedHashMap<>();
    final Map<String, byte[]> histograms = new LinkedHashMap<>();
    final Map<String, Object> outputs = new LinkedHashMap<>();
    final List<String> logs = new ArrayList<>();

    @Override public String runId() { return "run-1"; }
    @Override public String planName() { return "test"; }
    @Override public String stepId() { return "load"; }
    @Override public int attempt() { return 1; }
    @Override public Path workDir() { return Path.of("."); }
    @Override public Map<String, String> environment() { return Map.of(); }
    @Override public void metric(String name, double value, Unit unit, Direction direction) { metrics.put(name, new Metric(value, unit, direction)); }
    @Override public void samples(String name, double[] values, Unit unit) { samples.put(name, values); }
    @Override public void histogram(String name, byte[] encoded) { histograms.put(name, encoded); }
    @Override public void output(String name, Object value) { outputs.put(name, value); }
    @Override public void log(String message) { logs.add(message); }
    @Override public String mask(String text) { return text; }
    @Override public boolean cancelled() { return false; }
    @Override public Duration remaining() { return Duration.ofHours(1); }
    @Override public Process track(Process process) { return process; }

    double value(String metric) {
        Metric m = metrics.get(metric);
        if (m == null) {
            throw new AssertionError("metric " + metric + " not published; got " + metrics.keySet());
        }
        return m.value();
    }
}
