package io.perfplan.actions.optimize;

import io.perfplan.core.tuning.Objective;
import io.perfplan.engine.Unit;

/**
 * The value a trial yields per run and how runs are reduced to the objective: for command trials a
 * {@link MetricChoice} (e.g. {@code wall.median}); for nested-step trials a metric of a nested step
 * (e.g. {@code load.latency.p99}), one value per repetition, reduced by the median.
 */
record TrialMetric(String name, Unit unit, Objective.Statistic statistic) {

    static TrialMetric of(OptimizeInputs in) {
        if (in.trial().steps() != null) {
            return new TrialMetric(in.objective().metric(), Unit.COUNT, Objective.Statistic.MEDIAN);
        }
        MetricChoice m = MetricChoice.parse(in.objective().metric());
        return new TrialMetric(m.name(), m.quantity().unit, m.statistic());
    }
}
