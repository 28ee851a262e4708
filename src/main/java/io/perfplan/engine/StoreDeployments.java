package io.perfplan.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.perfplan.store.DeploymentRepository;
import java.util.List;
import java.util.Map;

/** The {@link Deployments} steps see: the store's deployment table and lock, details kept as JSON text. */
final class StoreDeployments implements Deployments {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DeploymentRepository repository;

    StoreDeployments(DeploymentRepository repository) {
        this.repository = repository;
    }

    @Override
    public long record(String service, String environment, String version, State state, Long runId, Map<String, Object> details) {
        return repository.insert(service, environment, version, state.id(), runId, json(details));
    }

    @Override
    public void update(long id, State state, Map<String, Object> details, boolean finished) {
        repository.update(id, state.id(), details == null ? null : json(details), finished);
    }

    @Override
    public List<Deployment> list(String service, String environment, int limit) {
        return repository.list(service, environment, limit).stream()
                .map(r -> new Deployment(r.id(), r.service(), r.environment(), r.version(), State.of(r.status()), r.runId(),
                        r.startedAt(), r.finishedAt(), parse(r.details()))).toList();
    }

    @Override
    public Lock lock(String service, String environment, Long runId, String stepId) {
        String owner;
        try {
            owner = repository.acquire(service, environment, runId, stepId);
        } catch (DeploymentRepository.LockedException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return () -> repository.release(service, environment, owner);
    }

    private static String json(Map<String, Object> details) {
        try {
            return JSON.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("deployment details cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static Map<String, Object> parse(String details) {
        if (details == null || details.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(details, new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            return Map.of("unreadable", details);
        }
    }
}
