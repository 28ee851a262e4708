package io.perfplan.engine;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What deploy-like steps may read and write of the deployment history: the deployments of a service
 * in an environment, and the lock that lets only one deployment of them run at a time, across
 * processes and nodes sharing the database. Details are JSON-like maps (strings, numbers, booleans,
 * lists, maps) with secret values already masked by the caller.
 */
public interface Deployments {

    /** Where a deployment stands. */
    enum State {
        /** started, health not yet known */
        DEPLOYING,
        /** running and its health checks passed */
        HEALTHY,
        /** its deploy command or health checks failed */
        FAILED,
        /** undone by a rollback (automatic or a rollback step) */
        ROLLED_BACK,
        /** replaced by a later deployment */
        SUPERSEDED,
        /** stopped on purpose (e.g. at the end of a plan) */
        STOPPED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static State of(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }
    }

    /** One recorded deployment. */
    record Deployment(long id, String service, String environment, String version, State state, Long runId,
                      Instant startedAt, Instant finishedAt, Map<String, Object> details) {}

    /** Held while a deployment runs; closing releases it. */
    interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /** Records a new deployment and returns its id. */
    long record(String service, String environment, String version, State state, Long runId, Map<String, Object> details);

    /** Sets a deployment's state, its details unless null, and its end time when {@code finished}. */
    void update(long id, State state, Map<String, Object> details, boolean finished);

    /** Deployments of {@code service} in {@code environment}, newest first, at most {@code limit}. */
    List<Deployment> list(String service, String environment, int limit);

    /**
     * Takes the lock of {@code service} in {@code environment}. Throws {@link IllegalStateException}
     * saying who holds it when another live deployment does; a lock left by a finished run or a dead
     * process is taken over.
     */
    Lock lock(String service, String environment, Long runId, String stepId);
}
