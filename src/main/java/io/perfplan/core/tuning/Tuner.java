package io.perfplan.core.tuning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs a search (see {@link Strategy}): measures the current configuration, then candidates, within
 * the {@link Budget}. Trials run one at a time, so they do not disturb each other's measurements.
 * Each trial is announced to the listener as it starts and handed to it once finished (to be stored), so a cancelled search keeps
 * the trials done so far; a failed trial is recorded and skipped.
 */
public final class Tuner {

    private final TrialRunner runner;
    private final TrialListener listener;
    private final BooleanSupplier cancelled;
    private final Consumer<String> log;

    public Tuner(TrialRunner runner, TrialListener listener, BooleanSupplier cancelled, Consumer<String> log) {
        this.runner = runner;
        this.listener = listener;
        this.cancelled = cancelled;
        this.log = log;
    }

    /** Searches; returns what was found even when cancelled or out of budget (then {@code stopReason} says so). */
    public SearchResult search(SearchSpec spec) {
        Run run = new Run(spec);
        Strategy strategy = spec.resolvedStrategy();
        try {
            if (spec.current() != null) {
                run.current = run.measure(Trial.Role.CURRENT, spec.current(), 0, spec.repeats(), new double[0]);
            }
            switch (strategy) {
                case GRID -> {
                    long size = spec.space().gridSize();
                    if (size > spec.budget().trials()) {
                        log.accept("the grid has " + size + " configurations; the budget allows the first " + spec.budget().trials());
                    }
                    run.all(spec.space().grid(spec.budget().trials()));
                }
                case RANDOM -> run.all(spec.space().sample(spec.budget().trials(), new SplittableRandom(spec.seed())));
                case HALVING -> run.halving();
                default -> throw new IllegalStateException("unresolved strategy " + strategy);
            }
            run.stop = run.stop != null ? run.stop : "the search space was covered";
        } catch (OutOfBudget e) {
            run.stop = e.getMessage();
        } catch (CancellationException e) {
            run.stop = "the search was cancelled";
        }
        return new SearchResult(run.trials, strategy, run.best(), run.current, run.stop);
    }

    /** Runs per configuration at each halving rung: halving from {@code repeats} down to 1, e.g. 5 gives [1, 2, 5]. */
    static List<Integer> rungRepeats(int repeats) {
        List<Integer> out = new ArrayList<>();
        for (int r = repeats; r >= 1; r /= 2) {
            out.add(0, r);
            if (r == 1) {
                break;
            }
        }
        return out;
    }

    private static final class OutOfBudget extends RuntimeException {
        OutOfBudget(String message) {
            super(message, null, false, false);
        }
    }

    /** The state of one search. */
    private final class Run {
        final SearchSpec spec;
        final long startNanos = System.nanoTime();
        final List<Trial> trials = new ArrayList<>();
        Trial current;
        String stop;
        int candidates;

        Run(SearchSpec spec) {
            this.spec = spec;
        }

        void all(List<Configuration> configs) {
            for (Configuration c : configs) {
                measure(Trial.Role.CANDIDATE, c, 0, spec.repeats(), new double[0]);
            }
        }

        void halving() {
            List<Integer> rungs = rungRepeats(spec.repeats());
            double factor = 0;
            for (int i = 0; i < rungs.size(); i++) {
                factor += Math.pow(0.5, i);
            }
            int first = (int) Math.max(2, Math.min(spec.budget().trials(), Math.floor(spec.budget().trials() / factor)));
            List<Configuration> configs = spec.space().gridSize() <= first
                    ? spec.space().grid(first)
                    : spec.space().sample(first, new SplittableRandom(spec.seed()));
            log.accept("successive halving: " + configs.size() + " configurations, runs per rung " + rungs);
            Map<Configuration, double[]> survivors = new LinkedHashMap<>();
            configs.forEach(c -> survivors.put(c, new double[0]));
            for (int rung = 0; rung < rungs.size() && !survivors.isEmpty(); rung++) {
                List<Trial> measured = new ArrayList<>();
                for (Map.Entry<Configuration, double[]> e : survivors.entrySet()) {
                    int more = rungs.get(rung) - e.getValue().length;
                    Trial t = more <= 0 ? null : measure(Trial.Role.CANDIDATE, e.getKey(), rung, more, e.getValue());
                    if (t != null && !t.failed()) {
                        measured.add(t);
                    }
                }
                Comparator<Trial> byObjective = (a, b) -> spec.objective().better(a.objective(), b.objective()) ? -1
                        : spec.objective().better(b.objective(), a.objective()) ? 1 : 0;
                measured.sort(byObjective);
                int keep = rung == rungs.size() - 1 ? measured.size() : (measured.size() + 1) / 2;
                survivors.clear();
                measured.subList(0, keep).forEach(t -> survivors.put(t.configuration(), t.samples()));
            }
        }

        /** Runs {@code runs} more runs of a configuration; the trial's samples are {@code earlier} plus the new ones. */
        Trial measure(Trial.Role role, Configuration c, int rung, int runs, double[] earlier) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException();
            }
            if (role == Trial.Role.CANDIDATE) {
                if (candidates >= spec.budget().trials()) {
                    throw new OutOfBudget("the trial budget of " + spec.budget().trials() + " was used");
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
                if (elapsed.compareTo(spec.budget().time()) >= 0) {
                    throw new OutOfBudget("the time budget of " + spec.budget().time().toSeconds() + " s was used");
                }
                candidates++;
            }
            int number = role == Trial.Role.CURRENT ? 0 : candidates;
            listener.started(number, role, c, rung, runs);
            long t0 = System.nanoTime();
            Trial trial;
            try {
                double[] fresh = runner.run(c, runs);
                double[] all = new double[earlier.length + fresh.length];
                System.arraycopy(earlier, 0, all, 0, earlier.length);
                System.arraycopy(fresh, 0, all, earlier.length, fresh.length);
                trial = new Trial(number, role, c, rung, all, spec.objective().value(all), null,
                        Duration.ofNanos(System.nanoTime() - t0));
            } catch (TrialFailedException e) {
                trial = new Trial(number, role, c, rung, earlier, Double.NaN, e.getMessage(), Duration.ofNanos(System.nanoTime() - t0));
            }
            trials.add(trial);
            listener.finished(trial);
            return trial;
        }

        Trial best() {
            int top = trials.stream().filter(t -> t.role() == Trial.Role.CANDIDATE && !t.failed())
                    .mapToInt(Trial::rung).max().orElse(-1);
            Trial best = null;
            for (Trial t : trials) {
                if (t.role() == Trial.Role.CANDIDATE && !t.failed() && t.rung() == top
                        && (best == null || spec.objective().better(t.objective(), best.objective()))) {
                    best = t;
                }
            }
            return best;
        }
    }
}
