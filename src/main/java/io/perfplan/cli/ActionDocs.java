package io.perfplan.cli;

import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.MetricSpec;
import io.perfplan.plan.InputsModel;

/** Documentation of an action, from its spec and inputs record, as text or Markdown. */
final class ActionDocs {

    private ActionDocs() {}

    static String text(ActionSpec<?> s) {
        StringBuilder b = new StringBuilder();
        b.append(s.name()).append(" - ").append(s.description()).append("\n\ninputs (with:)\n");
        for (InputsModel.Field f : s.inputsModel().fields()) {
            b.append(String.format("  %-18s %-22s %s%s%s%n", f.key(), InputsModel.describe(f.javaType()),
                    f.required() ? "required. " : "", f.defaultValue() == null ? "" : "default " + f.defaultValue() + ". ", f.description()));
        }
        if (!s.outputs().isEmpty()) {
            b.append("\noutputs (steps.<id>.outputs.<name>)\n");
            s.outputs().forEach(o -> b.append(String.format("  %-18s %s%n", o.name(), o.description())));
        }
        if (!s.metrics().isEmpty()) {
            b.append("\nmetrics (<id>.<name> in gates)\n");
            for (MetricSpec m : s.metrics()) {
                b.append(String.format("  %-18s %-4s %-17s %s%n", m.name(), m.unit().symbol(), direction(m), m.description()));
            }
        }
        b.append("\nexample\n");
        s.example().lines().forEach(l -> b.append("  ").append(l).append('\n'));
        return b.toString();
    }

    static String markdown(ActionSpec<?> s) {
        StringBuilder b = new StringBuilder();
        b.append("### `").append(s.name()).append("`\n\n").append(s.description()).append("\n\n");
        b.append("| input | type | required | description |\n|---|---|---|---|\n");
        for (InputsModel.Field f : s.inputsModel().fields()) {
            b.append("| `").append(f.key()).append("` | ").append(InputsModel.describe(f.javaType()).replace("|", "\\|")).append(" | ")
                    .append(f.required() ? "yes" : "").append(" | ").append(f.defaultValue() == null ? "" : "Default `" + f.defaultValue() + "`. ")
                    .append(f.description().replace("|", "\\|")).append(" |\n");
        }
        if (!s.outputs().isEmpty()) {
            b.append("\nOutputs: ");
            b.append(String.join(", ", s.outputs().stream().map(o -> "`" + o.name() + "` (" + o.description() + ")").toList()));
            b.append("\n");
        }
        if (!s.metrics().isEmpty()) {
            b.append("\n| metric | unit | better | description |\n|---|---|---|---|\n");
            for (MetricSpec m : s.metrics()) {
                b.append("| `").append(m.name()).append("` | ").append(m.unit().symbol()).append(" | ").append(direction(m))
                        .append(" | ").append(m.description()).append(" |\n");
            }
        }
        b.append("\n```yaml\n").append(s.example().stripTrailing()).append("\n```\n\n");
        return b.toString();
    }

    private static String direction(MetricSpec m) {
        return switch (m.direction()) {
            case LOWER_IS_BETTER -> "lower is better";
            case HIGHER_IS_BETTER -> "higher is better";
            case NEUTRAL -> "-";
        };
    }
}
