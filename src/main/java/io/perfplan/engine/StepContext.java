package io.perfplan.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a running step can see and report. Metrics, samples and histograms are stored when the step
 * ends; everything written through the context (logs, outputs, errors) has secret values masked.
 */
public interface StepContext {

    String runId();

    String planName();

    String stepId();

    /** Attempt number, from 1, when the step has a {@code retry}. */
    int attempt();

    /** The folder relative paths in the plan resolve against (the plan's project directory). */
    Path workDir();

    /** Environment for child processes: the perfplan process's environment plus the plan's {@code env:}. */
    Map<String, String> environment();

    /** Publishes one value; gates address it as {@code <step>.<name>}. */
    void metric(String name, double value, Unit unit, Direction direction);

    /** Stores raw values (per-run times, per-second series) so statistics can be recomputed later. */
    void samples(String name, double[] values, Unit unit);

    /** Stores an encoded HdrHistogram (compressed byte buffer form). */
    void histogram(String name, byte[] encoded);

    /** Sets a step output; later steps read it as {@code steps.<id>.outputs.<name>}. */
    void output(String name, Object value);

    /** Writes one progress line for the person watching (secrets masked). */
    void log(String message);

    /** Replaces every secret value in the text by {@code ***}. */
    String mask(String text);

    /** True once the run is cancelled or the step's timeout is reached; long work polls it. */
    boolean cancelled();

    /** Time left before the step's timeout, or {@link Duration#ZERO} past it; a large value when none is set. */
    Duration remaining();

    /**
     * Registers a child process so cancellation and timeouts end it and its descendants.
     * Returns the same process.
     */
    Process track(Process process);

    /**
     * Records an alert (stored with the run, secrets masked) and logs its message. The default only
     * logs it, for contexts without a store.
     */
    default void alert(String rule, String severity, String message, java.time.Instant firedAt) {
        log(message);
    }

    /** When the run started, for actions that look back over the whole run; now when unknown. */
    default java.time.Instant runStarted() {
        return java.time.Instant.now();
    }

    /**
     * Opens a child span of this step's span (e.g. a loadtest stage) when telemetry is on; close it
     * when the work ends. The default, and the answer when telemetry is off, costs nothing.
     */
    default io.perfplan.telemetry.SpanScope span(String name) {
        return io.perfplan.telemetry.SpanScope.NONE;
    }

    /** The W3C trace id (32 hex digits) of the run when telemetry is on, else empty. */
    default java.util.Optional<String> traceId() {
        return java.util.Optional.empty();
    }

    /** Read access to stored runs and baselines (and setting baselines), for gates such as {@code validate}. */
    default RunHistory history() {
        throw new UnsupportedOperationException("this step context has no access to the run history");
    }

    /** The deployment history and lock, for {@code deploy} and {@code rollback}. */
    default Deployments deployments() {
        throw new UnsupportedOperationException("this step context has no access to the deployment history");
    }

    /** Storage of tuning trials and of configuration changes that can be undone, for {@code optimize} and {@code rollback}. */
    default Optimizations optimizations() {
        throw new UnsupportedOperationException("this step context has no access to stored optimizations");
    }

    /** Runs steps nested in this one (e.g. an {@code optimize} trial made of a deploy and a load test). */
    default StepRunner nestedSteps() {
        throw new UnsupportedOperationException("this step context cannot run nested steps");
    }
}
