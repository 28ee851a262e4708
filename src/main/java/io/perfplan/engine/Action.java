package io.perfplan.engine;

/**
 * One capability a plan step can invoke. An action maps a typed inputs record to a call into
 * {@code io.perfplan.core} and reports metrics, samples and outputs through the {@link StepContext}.
 * Implementations are registered with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/io.perfplan.engine.Action}.
 *
 * @param <I> the inputs record the step's {@code with:} block is bound to
 */
public interface Action<I> {

    /** Name, documentation, inputs type, outputs and metrics: the one source for validation, schema and docs. */
    ActionSpec<I> spec();

    /** Does the work. A thrown exception fails the step with its message; cancellation arrives via {@link StepContext#cancelled()}. */
    Outcome execute(I inputs, StepContext ctx) throws Exception;

    /**
     * What this step would do, for {@code run --dry-run}, without side effects.
     * An empty answer means the action cannot say, and the step is reported as skipped.
     */
    default java.util.Optional<String> describe(I inputs) {
        return java.util.Optional.empty();
    }

    /**
     * Problems in valid-typed inputs that only the action can see, found by {@code perfplan validate}
     * before anything runs (e.g. a script that does not compile); each is one sentence. Relative
     * paths resolve against {@code projectDir}.
     */
    default java.util.List<String> check(I inputs, java.nio.file.Path projectDir) {
        return java.util.List.of();
    }

    /**
     * Loads what this action's first execution in the process would otherwise load (native
     * libraries, large groups of classes), so that {@code perfplan run} can do it while the history
     * database opens. Called before a run that uses the action, maybe on another thread, maybe more
     * than once; it must be quick, idempotent and invisible to the user. Failures are ignored: the
     * step then reports them.
     */
    default void prepare() {
    }
}
