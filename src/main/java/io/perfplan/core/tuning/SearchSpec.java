package io.perfplan.core.tuning;

/**
 * What to search and how.
 *
 * @param current today's configuration, measured first with {@code repeats} runs; null when unknown
 * @param repeats runs per configuration (grid, random) or of the last halving rung, at least 1
 * @param seed    seed of random draws, so a search can be repeated
 */
public record SearchSpec(ParameterSpace space, Configuration current, Objective objective, Strategy strategy,
                         Budget budget, int repeats, long seed) {

    public SearchSpec {
        if (space == null || objective == null || budget == null) {
            throw new IllegalArgumentException("A search needs a parameter space, an objective and a budget.");
        }
        strategy = strategy == null ? Strategy.AUTO : strategy;
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, not " + repeats + ".");
        }
    }

    /** The strategy {@link Strategy#AUTO} stands for with this space, budget and repeats. */
    public Strategy resolvedStrategy() {
        if (strategy != Strategy.AUTO) {
            return strategy;
        }
        if (space.gridSize() <= budget.trials()) {
            return Strategy.GRID;
        }
        return repeats >= 4 ? Strategy.HALVING : Strategy.RANDOM;
    }
}
