package io.perfplan.actions.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.Direction;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;
import java.util.List;

/**
 * A test action that publishes the metric (and samples) it is given, so gates can be tested on
 * controlled values through the real engine and store.
 */
final class EmitAction implements Action<EmitAction.Inputs> {

    record Inputs(@JsonProperty(required = true) String name, Double value, String unit, Boolean higherIsBetter,
                  List<Double> samples) {}

    @Override
    public ActionSpec<Inputs> spec() {
        return new ActionSpec<>("emit", "Publish a given metric (test only).", Inputs.class, List.of(), List.of(), "");
    }

    @Override
    public Outcome execute(Inputs in, StepContext ctx) {
        Unit unit = Unit.fromSymbol(in.unit() == null ? "ms" : in.unit());
        Direction direction = Boolean.TRUE.equals(in.higherIsBetter()) ? Direction.HIGHER_IS_BETTER : Direction.LOWER_IS_BETTER;
        double[] samples = in.samples() == null ? new double[0] : in.samples().stream().mapToDouble(Double::doubleValue).toArray();
        double value = in.value() != null ? in.value() : java.util.Arrays.stream(samples).sorted().skip(samples.length / 2).findFirst().orElse(0);
        ctx.metric(in.name(), value, unit, direction);
        if (samples.length > 0) {
            ctx.samples(in.name(), samples, unit);
        }
        return Outcome.pass();
    }
}
