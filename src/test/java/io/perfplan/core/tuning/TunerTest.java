package io.perfplan.core.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The search strategies on synthetic objectives with a known optimum and seeded noise (the real
 * child-process trials are exercised end to end in OptimizeActionTest).
 */
class TunerTest {

    private static final Objective MIN_MEDIAN = new Objective(Objective.Statistic.MEDIAN, Objective.Goal.MINIMIZE);

    /** Cost (ms) with its optimum at threads = 8 and batch = 100, plus seeded noise of +-10%. */
    private static TrialRunner bowl(long seed) {
        SplittableRandom noise = new SplittableRandom(seed);
        return (c, runs) -> {
            double threads = Double.parseDouble(c.values().get("threads"));
            double batch = Double.parseDouble(c.values().getOrDefault("batch", "100"));
            double base = 20 + 10 * Math.abs(Math.log(threads / 8) / Math.log(2)) + 10 * Math.abs(Math.log10(batch / 100));
            double[] out = new double[runs];
            for (int i = 0; i < runs; i++) {
                out[i] = base * (0.9 + 0.2 * noise.nextDouble());
            }
            return out;
        };
    }

    private static Configuration config(String threads, String batch) {
        return new Configuration(Map.of("threads", threads, "batch", batch));
    }

    private static ParameterSpace space() {
        return new ParameterSpace(List.of(new Parameter.Choice("threads", List.of("1", "2", "4", "8", "16", "32")),
                new Parameter.Range("batch", 1, 10_000, Parameter.Scale.LOG, Parameter.NumberType.INT, 5)));
    }

    private static SearchResult search(TrialRunner runner, SearchSpec spec, List<Trial> seen) {
        return new Tuner(runner, seen::add, () -> false, line -> { }).search(spec);
    }

    @Test
    void gridFindsTheKnownOptimumAndMeasuresTheCurrentConfigurationFirst() {
        List<Trial> seen = new ArrayList<>();
        Configuration current = new ParameterSpace(space().parameters()).configuration(Map.of("threads", "2", "batch", "10"));
        SearchResult r = search(bowl(1), new SearchSpec(space(), current, MIN_MEDIAN, Strategy.AUTO,
                new Budget(30, Duration.ofMinutes(1)), 5, 42), seen);
        assertThat(r.strategy()).isEqualTo(Strategy.GRID);
        assertThat(r.trials()).hasSize(31).isEqualTo(seen);
        assertThat(r.trials().get(0).role()).isEqualTo(Trial.Role.CURRENT);
        assertThat(r.current().configuration()).isEqualTo(current);
        assertThat(r.best().configuration().values()).containsEntry("threads", "8").containsEntry("batch", "100");
        assertThat(r.best().samples()).hasSize(5);
    }

    @Test
    void logRangeGridIsSpreadEvenlyInTheLogarithm() {
        Parameter.Range batch = new Parameter.Range("batch", 1, 10_000, Parameter.Scale.LOG, Parameter.NumberType.INT, 5);
        assertThat(batch.gridValues()).containsExactly("1", "10", "100", "1000", "10000");
        Parameter.Range ratio = new Parameter.Range("ratio", 0, 1, Parameter.Scale.LINEAR, Parameter.NumberType.FLOAT, 3);
        assertThat(ratio.gridValues()).containsExactly("0", "0.5", "1");
        SplittableRandom random = new SplittableRandom(7);
        int below100 = 0;
        for (int i = 0; i < 2000; i++) {
            long v = Long.parseLong(batch.sample(random));
            assertThat(v).isBetween(1L, 10_000L);
            below100 += v < 100 ? 1 : 0;
        }
        assertThat(below100).as("half the log range lies below 100").isBetween(850, 1150);
    }

    @Test
    void randomSearchIsRepeatableWithTheSameSeedAndRespectsTheTrialBudget() {
        SearchSpec spec = new SearchSpec(space(), null, MIN_MEDIAN, Strategy.RANDOM, new Budget(12, Duration.ofMinutes(1)), 3, 99);
        List<Configuration> first = search(bowl(1), spec, new ArrayList<>()).trials().stream().map(Trial::configuration).toList();
        List<Configuration> second = search(bowl(2), spec, new ArrayList<>()).trials().stream().map(Trial::configuration).toList();
        assertThat(first).hasSize(12).doesNotHaveDuplicates().isEqualTo(second);
        SearchSpec other = new SearchSpec(space(), null, MIN_MEDIAN, Strategy.RANDOM, new Budget(12, Duration.ofMinutes(1)), 3, 100);
        assertThat(search(bowl(1), other, new ArrayList<>()).trials().stream().map(Trial::configuration).toList()).isNotEqualTo(first);
    }

    @Test
    void successiveHalvingGivesMoreRunsToSurvivorsAndStaysWithinBudget() {
        assertThat(Tuner.rungRepeats(8)).containsExactly(1, 2, 4, 8);
        assertThat(Tuner.rungRepeats(5)).containsExactly(1, 2, 5);
        assertThat(Tuner.rungRepeats(1)).containsExactly(1);
        SearchSpec spec = new SearchSpec(space(), null, MIN_MEDIAN, Strategy.AUTO, new Budget(24, Duration.ofMinutes(1)), 8, 5);
        assertThat(spec.resolvedStrategy()).isEqualTo(Strategy.HALVING);
        SearchResult r = search(bowl(3), spec, new ArrayList<>());
        assertThat(r.candidateTrials()).isLessThanOrEqualTo(24);
        assertThat(r.best().samples()).hasSize(8);
        assertThat(r.best().rung()).isEqualTo(3);
        long rung0 = r.trials().stream().filter(t -> t.rung() == 0).count();
        long rung3 = r.trials().stream().filter(t -> t.rung() == 3).count();
        assertThat(rung3).isLessThan(rung0);
        // 12 random configurations of a bowl: the survivor is near the optimum (within one step of threads)
        assertThat(Integer.parseInt(r.best().configuration().values().get("threads"))).isBetween(4, 16);
    }

    @Test
    void aFailedTrialIsRecordedAndSkipped() {
        TrialRunner bowl = bowl(4);
        TrialRunner failsAtEight = (c, runs) -> {
            if (c.values().get("threads").equals("8")) {
                throw new TrialFailedException("exit code 3");
            }
            return bowl.run(c, runs);
        };
        SearchResult r = search(failsAtEight, new SearchSpec(space(), null, MIN_MEDIAN, Strategy.GRID,
                new Budget(30, Duration.ofMinutes(1)), 3, 1), new ArrayList<>());
        assertThat(r.trials()).hasSize(30);
        assertThat(r.trials().stream().filter(Trial::failed)).hasSize(5)
                .allSatisfy(t -> assertThat(t.error()).isEqualTo("exit code 3"));
        assertThat(r.best().configuration().values().get("threads")).isIn("4", "16");
    }

    @Test
    void theTimeBudgetStopsTheSearchAfterTheTrialThatIsRunning() {
        TrialRunner slow = (c, runs) -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new double[] {1};
        };
        long t0 = System.nanoTime();
        SearchResult r = search(slow, new SearchSpec(space(), null, MIN_MEDIAN, Strategy.GRID,
                new Budget(30, Duration.ofMillis(450)), 1, 1), new ArrayList<>());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r.candidateTrials()).isBetween(1L, 5L);
        assertThat(r.stopReason()).contains("time budget");
        assertThat(took).isLessThan(Duration.ofMillis(450 + 100 + 2000));
    }

    @Test
    void cancellingKeepsTheTrialsDoneSoFarAndTheListenerHearsEachStart() {
        AtomicBoolean cancelled = new AtomicBoolean();
        List<Trial> seen = new ArrayList<>();
        TrialRunner bowl = bowl(5);
        TrialRunner cancelsOnThird = (c, runs) -> {
            if (seen.size() == 2) {
                cancelled.set(true);
                throw new CancellationException();
            }
            return bowl.run(c, runs);
        };
        List<String> heard = new ArrayList<>();
        TrialListener listener = new TrialListener() {
            @Override
            public void started(int number, Trial.Role role, Configuration configuration, int rung, int runs) {
                heard.add("started " + number + " " + role + " " + runs);
            }

            @Override
            public void finished(Trial trial) {
                heard.add("finished " + trial.number());
                seen.add(trial);
            }
        };
        SearchResult r = new Tuner(cancelsOnThird, listener, cancelled::get, line -> { })
                .search(new SearchSpec(space(), config("1", "1"), MIN_MEDIAN, Strategy.GRID, new Budget(30, Duration.ofMinutes(1)), 2, 1));
        assertThat(r.stopReason()).contains("cancelled");
        assertThat(r.trials()).hasSize(2).isEqualTo(seen);
        // each trial is announced before it runs; the one cut short starts but never finishes
        assertThat(heard).containsExactly("started 0 CURRENT 2", "finished 0", "started 1 CANDIDATE 2", "finished 1",
                "started 2 CANDIDATE 2");
    }

    @Test
    void placeholdersAreSubstitutedAndOthersKept() {
        Configuration c = config("4", "100");
        assertThat(Configuration.placeholders("-t {{trial.threads}} -b {{ trial.batch }} {{.State}}")).containsExactly("threads", "batch");
        assertThat(c.substitute("-t={{trial.threads}},{{ trial.batch }} {{.State}} $x")).isEqualTo("-t=4,100 {{.State}} $x");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.substitute("{{trial.heap}}"))
                .hasMessageContaining("'{{trial.heap}}' names no parameter");
    }
}
