package io.perfplan.actions.optimize;

import io.perfplan.core.sampling.CommandResult;
import io.perfplan.core.tuning.Objective;
import io.perfplan.engine.Unit;
import java.util.Locale;

/**
 * A trial metric a command trial can be optimized on: a per-run quantity and the statistic over the
 * runs, written {@code <quantity>.<statistic>} (e.g. {@code wall.median}; {@code rss.peak} means {@code rss.max}).
 */
record MetricChoice(Quantity quantity, Objective.Statistic statistic) {

    /** What one run yields. */
    enum Quantity {
        WALL(Unit.MILLISECONDS), CPU(Unit.MILLISECONDS), USER(Unit.MILLISECONDS), SYS(Unit.MILLISECONDS),
        RSS(Unit.BYTES), STDOUT(Unit.COUNT);

        final Unit unit;

        Quantity(Unit unit) {
            this.unit = unit;
        }

        /** The value of one run; throws {@link NumberFormatException} when stdout ends with no number. */
        double of(CommandResult r) {
            return switch (this) {
                case WALL -> r.wall().toNanos() / 1e6;
                case CPU -> r.cpu().toNanos() / 1e6;
                case USER -> r.userCpu().toNanos() / 1e6;
                case SYS -> r.sysCpu().toNanos() / 1e6;
                case RSS -> r.peakRssBytes();
                case STDOUT -> lastNumber(r.stdout());
            };
        }
    }

    static MetricChoice parse(String metric) {
        String m = metric.strip().toLowerCase(Locale.ROOT);
        if (m.equals("rss.peak")) {
            return new MetricChoice(Quantity.RSS, Objective.Statistic.MAX);
        }
        int dot = m.indexOf('.');
        try {
            if (dot < 0) {
                throw new IllegalArgumentException();
            }
            return new MetricChoice(Quantity.valueOf(m.substring(0, dot).toUpperCase(Locale.ROOT)),
                    Objective.Statistic.valueOf(m.substring(dot + 1).toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("objective.metric '" + metric + "' is not a trial metric; use wall, cpu, user, sys, "
                    + "rss or stdout followed by .mean, .median, .min or .max, e.g. wall.median.");
        }
    }

    static double lastNumber(String stdout) {
        String[] lines = stdout.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        String[] words = last.split("\\s+");
        return Double.parseDouble(words[words.length - 1]);
    }

    String name() {
        return quantity.name().toLowerCase(Locale.ROOT) + "." + statistic.name().toLowerCase(Locale.ROOT);
    }
}
