package io.perfplan.actions.optimize;

import io.perfplan.core.tuning.Configuration;
import io.perfplan.core.tuning.Trial;
import io.perfplan.core.tuning.TrialListener;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.StepRunner;
import io.perfplan.telemetry.SpanScope;
import java.util.Locale;

/**
 * One child span of the optimize step per trial ({@code optimize.trial}) and one for the final
 * comparison ({@code optimize.confirm}); nested trial steps run under the span open at the time.
 * Passes each finished trial on to {@code next} (which stores it). When telemetry is off every span
 * is {@link SpanScope#NONE} and costs nothing.
 */
final class TrialSpans implements TrialListener {

    static final String NUMBER = "perfplan.trial.number";
    static final String ROLE = "perfplan.trial.role";
    static final String RUNG = "perfplan.trial.rung";
    static final String REPEATS = "perfplan.trial.repeats";
    static final String PARAM = "perfplan.trial.param.";
    static final String OBJECTIVE = "perfplan.trial.objective";
    static final String SAMPLES = "perfplan.trial.samples";
    static final String STATUS = "perfplan.status";

    private final StepContext ctx;
    private final TrialListener next;
    /** The trial or comparison running now, or null between them. */
    private SpanScope open;

    TrialSpans(StepContext ctx, TrialListener next) {
        this.ctx = ctx;
        this.next = next;
    }

    @Override
    public void started(int number, Trial.Role role, Configuration configuration, int rung, int runs) {
        end(null);
        open = ctx.span("optimize.trial");
        open.attribute(NUMBER, (long) number);
        open.attribute(ROLE, role.name().toLowerCase(Locale.ROOT));
        open.attribute(RUNG, (long) rung);
        open.attribute(REPEATS, (long) runs);
        configuration.values().forEach((name, value) -> open.attribute(PARAM + name, ctx.mask(value)));
    }

    @Override
    public void finished(Trial trial) {
        if (open != null) {
            open.attribute(SAMPLES, (long) trial.samples().length);
            if (!trial.failed()) {
                open.attribute(OBJECTIVE, trial.objective());
            }
            end(trial.failed() ? ctx.mask(trial.error()) : null);
        }
        next.finished(trial);
    }

    /** Opens the span of the final comparison of the best configuration with the current one. */
    SpanScope confirmation(int runs) {
        end(null);
        open = ctx.span("optimize.confirm");
        open.attribute("perfplan.optimize.runs", (long) runs);
        return open;
    }

    /** Nested steps, traced under the trial or comparison running now. */
    StepRunner nestedSteps() {
        return open == null ? ctx.nestedSteps() : ctx.nestedSteps().under(open);
    }

    /** Ends the open span: passed when {@code error} is null, else failed with it (already masked). */
    void end(String error) {
        if (open == null) {
            return;
        }
        open.attribute(STATUS, error == null ? "passed" : "failed");
        if (error != null) {
            open.failed(error);
        }
        open.close();
        open = null;
    }
}
