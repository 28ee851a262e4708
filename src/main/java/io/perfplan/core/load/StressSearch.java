package io.perfplan.core.load;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a {@link StressTest}: one open-model step per rate on the same event loops, each step a full
 * load test of its own (the base test's requests, checks, timeout and connection cap; its warm-up
 * only before the first step). Stops at the first step where the condition holds.
 */
public final class StressSearch {

    /** One step: its rate, what it measured and whether the stop condition held. */
    public record Step(double rate, LoadResult result, boolean broke) {}

    /**
     * @param capacity  the highest rate that held (0 when the first step already broke)
     * @param breakRate the rate at which the condition first held, or 0 when no step broke
     * @param steps     every step run, in order
     */
    public record StressResult(double capacity, double breakRate, List<Step> steps) {
        public StressResult {
            steps = List.copyOf(steps);
        }

        /** The steps' measurements merged, as one run. */
        public LoadStats combined() {
            LoadStats all = new LoadStats();
            long nanos = 0;
            for (Step s : steps) {
                all.add(s.result().total());
                nanos += s.result().elapsed().toNanos();
            }
            all.elapsedNanos(nanos);
            return all;
        }
    }

    private StressSearch() {}

    /**
     * Runs the steps. {@code base} supplies requests, checks, timeout, connection cap (its model must
     * be open) and warm-up; its rate and thresholds are ignored. {@code onStep} sees each finished step.
     */
    public static StressResult run(LoadTest base, StressTest stress, LoadTest.Hooks hooks, Consumer<Step> onStep)
            throws InterruptedException {
        if (!(base.model() instanceof LoadModel.Open open)) {
            throw new IllegalArgumentException("stress mode steps the rate, so it needs the open model; drop connections-only settings or set a rate");
        }
        List<Step> steps = new ArrayList<>();
        double capacity = 0;
        double breakRate = 0;
        try (LoadRunner runner = new LoadRunner(base.eventLoops())) {
            boolean firstStep = true;
            for (int i = 0; ; i++) {
                double rate = stress.startRate() + i * stress.stepRate();
                if (rate > stress.maxRate() + 1e-9 || hooks.cancelled().getAsBoolean()) {
                    break;
                }
                LoadModel.Open stepModel = new LoadModel.Open(rate, List.of(new RateStage(stress.stepDuration(), rate)),
                        open.poisson(), open.seed() + i, open.maxConnections());
                LoadTest test = base.withModel(stepModel).withThresholds(List.of(), false, null, null)
                        .withWarmup(firstStep ? base.warmup() : java.time.Duration.ZERO);
                firstStep = false;
                LoadResult r = runner.execute(test, hooks);
                boolean broke = stress.until().test(r.total());
                Step step = new Step(rate, r, broke);
                steps.add(step);
                onStep.accept(step);
                if (broke) {
                    breakRate = rate;
                    break;
                }
                capacity = rate;
            }
        }
        return new StressResult(capacity, breakRate, steps);
    }
}
