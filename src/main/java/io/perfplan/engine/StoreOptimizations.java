package io.perfplan.engine;

import io.perfplan.store.OptimizationRepository;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The {@link Optimizations} a step sees: the store's repository, bound to the step's run, plan, id and attempt. */
final class StoreOptimizations implements Optimizations {

    private final OptimizationRepository repository;
    private final long runId;
    private final String plan;
    private final String stepId;
    private final int attempt;

    StoreOptimizations(OptimizationRepository repository, long runId, String plan, String stepId, int attempt) {
        this.repository = repository;
        this.runId = runId;
        this.plan = plan;
        this.stepId = stepId;
        this.attempt = attempt;
    }

    @Override
    public void recordTrial(TrialRecord t) {
        repository.saveTrial(new OptimizationRepository.TrialRow(runId, stepId, attempt, t.number(), t.role(), t.rung(),
                t.parameters(), t.samples(), t.objective(), t.error(), t.took() == null ? 0 : t.took().toMillis(), Instant.now()));
    }

    @Override
    public long recordChange(Path file, String format, Map<String, String> parameters, boolean previousExisted,
                             byte[] previousContent, byte[] appliedContent) {
        return repository.saveChange(new OptimizationRepository.ChangeRow(0, runId, plan, stepId, file.toString(), format,
                parameters, previousExisted, previousContent, appliedContent, "applied", Instant.now(), null, null));
    }

    @Override
    public Optional<Change> lastApplied(String optimizeStepId) {
        return repository.lastApplied(plan, optimizeStepId).map(r -> new Change(r.id(), r.runId() == null ? 0 : r.runId(),
                r.stepId(), Path.of(r.file()), r.format(), r.parameters(), r.previousExisted(),
                r.previousContent() == null ? new byte[0] : r.previousContent(), r.appliedContent(), r.status(), r.appliedAt()));
    }

    @Override
    public void markUndone(long id, String reason) {
        repository.markUndone(id, reason);
    }
}
