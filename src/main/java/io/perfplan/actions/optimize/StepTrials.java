package io.perfplan.actions.optimize;

import io.perfplan.core.tuning.Configuration;
import io.perfplan.core.tuning.TrialFailedException;
import io.perfplan.core.tuning.TrialRunner;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.StepRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Nested-step trials: the trial's steps with a configuration's values substituted for
 * {@code {{trial.<name>}}} in their inputs, run by the engine once per run; each run yields the
 * objective metric of one nested step ({@code <nested-id>.<metric>}).
 */
final class StepTrials implements TrialRunner {

    private final OptimizeInputs.TrialInput trial;
    private final String metric;
    private final StepContext ctx;
    private final TrialSpans spans;

    StepTrials(OptimizeInputs.TrialInput trial, String metric, StepContext ctx, TrialSpans spans) {
        this.trial = trial;
        this.metric = metric;
        this.ctx = ctx;
        this.spans = spans;
    }

    /** The nested steps for a configuration. */
    List<StepRunner.NestedStep> steps(Configuration c) {
        List<StepRunner.NestedStep> out = new ArrayList<>();
        for (OptimizeInputs.NestedStepInput s : trial.steps()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> with = (Map<String, Object>) substitute(s.with(), c);
            out.add(new StepRunner.NestedStep(s.id(), s.action(), with));
        }
        return out;
    }

    /** Checks actions and inputs once, with the given configuration's values, before the search starts. */
    void check(Configuration c) {
        ctx.nestedSteps().check(steps(c));
    }

    @Override
    public double[] run(Configuration c, int runs) throws TrialFailedException {
        List<StepRunner.NestedStep> steps = steps(c);
        for (int i = 0; i < trial.warmup(); i++) {
            once(steps);
        }
        double[] values = new double[runs];
        for (int i = 0; i < runs; i++) {
            values[i] = once(steps);
        }
        return values;
    }

    private double once(List<StepRunner.NestedStep> steps) throws TrialFailedException {
        if (ctx.cancelled()) {
            throw new CancellationException();
        }
        StepRunner.Result r = spans.nestedSteps().run(steps);
        if (ctx.cancelled()) {
            throw new CancellationException();
        }
        if (!r.passed()) {
            throw new TrialFailedException(r.message());
        }
        Double v = r.metrics().get(metric);
        if (v == null) {
            throw new TrialFailedException("The nested steps published no metric '" + metric + "'; they published: "
                    + String.join(", ", r.metrics().keySet()) + ". Name one of them in objective.metric.");
        }
        return v;
    }

    private static Object substitute(Object value, Configuration c) {
        if (value instanceof String s) {
            return c.substitute(s);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), substitute(v, c)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(substitute(v, c)));
            return out;
        }
        return value;
    }
}
