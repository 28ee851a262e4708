package io.perfplan.core.tuning;

import java.util.List;
import java.util.Optional;

/**
 * What a search found: every trial in the order it ran (the current configuration's first, when
 * measured), the strategy used, and why the search stopped.
 *
 * @param best    the best candidate trial: for halving, the best of the highest rung reached; null when
 *                no candidate trial succeeded
 * @param current the current configuration's trial, or null
 */
public record SearchResult(List<Trial> trials, Strategy strategy, Trial best, Trial current, String stopReason) {

    public SearchResult {
        trials = List.copyOf(trials);
    }

    public Optional<Trial> bestTrial() {
        return Optional.ofNullable(best);
    }

    /** Candidate trials (the current configuration's excluded), failed ones included. */
    public long candidateTrials() {
        return trials.stream().filter(t -> t.role() == Trial.Role.CANDIDATE).count();
    }
}
