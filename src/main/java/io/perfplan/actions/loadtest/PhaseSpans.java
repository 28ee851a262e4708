package io.perfplan.actions.loadtest;

import io.perfplan.core.load.LoadStats;
import io.perfplan.core.load.Phase;
import io.perfplan.telemetry.SpanScope;

/**
 * One child span per phase of a load test under the test's span: {@code loadtest.warmup},
 * {@code loadtest.stage} (one per stage of {@code stages:}), {@code loadtest.measure} (a constant rate
 * or the closed model), and in stress mode {@code loadtest.stress.step}, which stays open until the
 * search has judged the step ({@link #judged}). When telemetry is off the parent is
 * {@link SpanScope#NONE} and every call does nothing.
 */
final class PhaseSpans implements Phase.Listener {

    static final String STAGE = "perfplan.loadtest.stage";
    static final String START_RATE = "perfplan.loadtest.rate.start";
    static final String TARGET_RATE = "perfplan.loadtest.rate.target";
    static final String PLANNED_MS = "perfplan.loadtest.planned_ms";
    static final String ELAPSED_MS = "perfplan.loadtest.elapsed_ms";
    static final String REQUESTS = "perfplan.loadtest.requests";
    static final String ERRORS = "perfplan.loadtest.errors";
    static final String DROPPED = "perfplan.loadtest.dropped";
    static final String THROUGHPUT = "perfplan.loadtest.throughput";
    static final String P99_MS = "perfplan.loadtest.latency.p99_ms";
    static final String BROKE = "perfplan.loadtest.broke";

    private final SpanScope parent;
    private final boolean stress;
    private SpanScope open = SpanScope.NONE;

    PhaseSpans(SpanScope parent, boolean stress) {
        this.parent = parent;
        this.stress = stress;
    }

    @Override
    public void started(Phase phase) {
        open = parent.child(switch (phase.kind()) {
            case WARMUP -> "loadtest.warmup";
            case STAGE -> "loadtest.stage";
            case MEASUREMENT -> stress ? "loadtest.stress.step" : "loadtest.measure";
        });
        if (phase.kind() == Phase.Kind.STAGE) {
            open.attribute(STAGE, (long) phase.stage());
        }
        if (!Double.isNaN(phase.targetRatePerSecond())) {
            open.attribute(START_RATE, phase.startRatePerSecond());
            open.attribute(TARGET_RATE, phase.targetRatePerSecond());
        }
        open.attribute(PLANNED_MS, phase.planned().toMillis());
    }

    @Override
    public void ended(Phase phase, LoadStats measured) {
        open.attribute(ELAPSED_MS, measured.elapsed().toMillis());
        if (phase.kind() != Phase.Kind.WARMUP) { // warm-up requests are not recorded
            open.attribute(REQUESTS, measured.requests());
            open.attribute(ERRORS, measured.errors());
            open.attribute(DROPPED, measured.dropped());
            open.attribute(THROUGHPUT, measured.throughputPerSecond());
            measured.value("latency.p99").ifPresent(v -> open.attribute(P99_MS, v));
        }
        if (!(stress && phase.kind() == Phase.Kind.MEASUREMENT)) {
            close();
        }
    }

    /** Stress mode: the step that just ended broke the until condition or held; ends its span. */
    void judged(boolean broke) {
        open.attribute(BROKE, broke);
        close();
    }

    /** Ends a span left open (a stress step cut short by cancellation). */
    void close() {
        open.close();
        open = SpanScope.NONE;
    }
}
