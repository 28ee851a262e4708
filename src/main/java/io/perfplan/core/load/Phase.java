package io.perfplan.core.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One part of a load test's timeline, reported live to a {@link Listener}: the warm-up, one stage of
 * an open model's schedule, or the whole measured part when the model has no stages to tell apart (a
 * constant rate, the closed model).
 *
 * @param kind            which part
 * @param stage           1, 2, ... for a {@link Kind#STAGE}; 0 otherwise
 * @param startRatePerSecond the scheduled rate when the phase starts; NaN for the closed model
 * @param targetRatePerSecond the scheduled rate the phase ramps to (equal to the start for a constant
 *                        rate); NaN for the closed model
 * @param planned         the phase's length in the schedule (a limit or an abort may end it sooner)
 */
public record Phase(Kind kind, int stage, double startRatePerSecond, double targetRatePerSecond, Duration planned) {

    /** The part of a run a phase is. */
    public enum Kind { WARMUP, STAGE, MEASUREMENT }

    /**
     * Hears phases start and end, on the thread that runs the test (not an event loop), so it may block
     * briefly. {@code ended} gets the requests that ended in the phase, with {@code elapsed} the phase's
     * wall time: none for the warm-up (warm-up requests are not recorded); the last phase also holds
     * those that ended while in-flight requests drained. Requests are taken from the event loops when
     * the runner wakes at the boundary, so one that ends just after it, before they are taken, counts
     * in the phase before. The measured phases' requests add up to the run's.
     */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void started(Phase phase) {
            }

            @Override
            public void ended(Phase phase, LoadStats measured) {
            }
        };

        void started(Phase phase);

        void ended(Phase phase, LoadStats measured);
    }

    /** The measured phases of a test in order (the warm-up not included). */
    static List<Phase> measured(LoadModel model) {
        List<Phase> out = new ArrayList<>();
        if (model instanceof LoadModel.Open o) {
            boolean constant = o.stages().size() == 1 && o.startRatePerSecond() == o.stages().get(0).ratePerSecond();
            if (constant) {
                double rate = o.stages().get(0).ratePerSecond();
                out.add(new Phase(Kind.MEASUREMENT, 0, rate, rate, o.duration()));
            } else {
                double from = o.startRatePerSecond();
                for (int i = 0; i < o.stages().size(); i++) {
                    RateStage s = o.stages().get(i);
                    out.add(new Phase(Kind.STAGE, i + 1, from, s.ratePerSecond(), s.duration()));
                    from = s.ratePerSecond();
                }
            }
        } else {
            out.add(new Phase(Kind.MEASUREMENT, 0, Double.NaN, Double.NaN, model.duration()));
        }
        return out;
    }

    /** The warm-up phase of a test, at the rate {@link ArrivalSchedule} warms up with. */
    static Phase warmup(LoadModel model, Duration warmup) {
        if (model instanceof LoadModel.Open o) {
            double warm = o.startRatePerSecond() > 0 ? o.startRatePerSecond() : o.stages().get(0).ratePerSecond();
            return new Phase(Kind.WARMUP, 0, warm, warm, warmup);
        }
        return new Phase(Kind.WARMUP, 0, Double.NaN, Double.NaN, warmup);
    }
}
