package io.perfplan.engine;

import io.perfplan.store.BaselineRepository;
import io.perfplan.store.HistoryRepository;
import io.perfplan.store.RunRepository;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link RunHistory} steps see: the engine's store, with stored unit and direction names mapped
 * back to the SPI's types. Each read first waits for the run's queued writes ({@code beforeRead}), so
 * a step sees every earlier step of its run.
 */
final class StoreRunHistory implements RunHistory {

    private final RunRepository runs;
    private final BaselineRepository baselines;
    private final HistoryRepository history;
    private final Runnable beforeRead;

    StoreRunHistory(RunRepository runs, Runnable beforeRead) {
        this.runs = runs;
        this.beforeRead = beforeRead;
        this.baselines = runs.baselines();
        this.history = runs.metricHistory();
    }

    @Override
    public Map<String, String> stepStatuses(long runId) {
        beforeRead.run();
        Map<String, String> out = new LinkedHashMap<>();
        runs.steps(runId).forEach(s -> out.put(s.stepId(), s.status()));
        return out;
    }

    @Override
    public List<Metric> metricsOfRun(long runId) {
        beforeRead.run();
        return runs.metrics(runId).stream()
                .map(m -> new Metric(m.stepId(), m.name(), m.value(), unit(m.unit()), direction(m.direction()))).toList();
    }

    @Override
    public List<SampleSet> samplesOfRun(long runId) {
        beforeRead.run();
        return runs.samples(runId).stream().map(s -> new SampleSet(s.stepId(), s.name(), unit(s.unit()), s.values())).toList();
    }

    @Override
    public Optional<Baseline> baseline(String name) {
        beforeRead.run();
        return baselines.find(name).map(b -> new Baseline(b.name(), b.plan(), b.runId(), b.pinned(), b.windowSize(), b.createdAt()));
    }

    @Override
    public List<Point> series(String plan, String stepId, String metric, long beforeRunId, List<String> statuses, int limit) {
        beforeRead.run();
        return history.series(plan, stepId, metric, beforeRunId, statuses, limit).stream()
                .map(p -> new Point(p.runId(), p.startedAt(), p.status(), p.value(), unit(p.unit()))).toList();
    }

    @Override
    public void setBaseline(String name, String plan, long runId, boolean pinned, Integer window) {
        baselines.put(new BaselineRepository.BaselineRow(name, plan, runId, pinned, window, Instant.now()));
    }

    @Override
    public Optional<Instant> runStarted(long runId) {
        beforeRead.run();
        return runs.run(runId).map(RunRepository.RunRow::startedAt);
    }

    @Override
    public void recordAlert(long runId, String stepId, String rule, String severity, String message, Instant firedAt) {
        runs.recordAlert(new RunRepository.AlertRow(runId, stepId, rule, severity, message, firedAt));
    }

    static Unit unit(String stored) {
        try {
            return Unit.fromSymbol(stored == null ? "" : stored);
        } catch (IllegalArgumentException e) {
            return Unit.COUNT;
        }
    }

    static Direction direction(String stored) {
        try {
            return Direction.valueOf(stored.toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            return Direction.NEUTRAL;
        }
    }
}
