package io.perfplan.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV quoting, and which samples {@link RunComparison} tests a metric on. */
class CsvAndComparisonTest {

    @TempDir
    Path dir;

    @Test
    void csvQuotesOnlyWhatNeedsQuoting() {
        StringWriter w = new StringWriter();
        Csv.write(new PrintWriter(w), List.of("a", "b"), List.of(Arrays.asList("plain", 1.5), Arrays.asList("say \"hi\", twice", null),
                Arrays.asList("two\nlines", 3.0), Arrays.asList("nan", Double.NaN)));
        assertThat(w.toString()).isEqualTo("a,b\r\nplain,1.5\r\n\"say \"\"hi\"\", twice\",\r\n\"two\nlines\",3\r\nnan,\r\n");
    }

    @Test
    void aStatisticIsTestedOnItsParentsSamplesButACountByKindIsNot() {
        try (Database db = Database.open(Database.defaultUrl(dir), null, null)) {
            RunRepository runs = db.runs();
            long a = run(runs, 100);
            long b = run(runs, 300);
            List<RunComparison.MetricChange> changes = RunComparison.compare(runs, a, b);
            assertThat(changes).extracting(RunComparison.MetricChange::metric)
                    .containsExactly("load.errors.status", "prof.wall.median");
            RunComparison.MetricChange wall = changes.get(1);
            assertThat(wall.samplesA()).isEqualTo(8);
            assertThat(wall.assessment()).isEqualTo("worse");
            assertThat(wall.significant()).isTrue();
            assertThat(wall.regression()).isEqualTo("fail");
            RunComparison.MetricChange errors = changes.get(0);
            assertThat(errors.samplesA()).isZero();
            assertThat(errors.pValue()).isNaN();
            assertThat(errors.significant()).isNull();
        }
    }

    private static long run(RunRepository runs, double wallMillis) {
        long id = runs.startRun("cmp", "test", "{}", null);
        long load = runs.startStep(id, "load", "loadtest", 1);
        runs.finishStep(id, load, "load", new RunRepository.StepResult("passed", "{}", null,
                List.of(new RunRepository.MetricRow("load", "errors.status", "", "lower_is_better", wallMillis / 100)),
                List.of(new RunRepository.SampleRow("load", "errors", "", new double[] {0, 1, 0, 2, 0, 1, 0, 0})), List.of()));
        long prof = runs.startStep(id, "prof", "profile", 1);
        double[] walls = {wallMillis, wallMillis + 1, wallMillis + 2, wallMillis + 3, wallMillis - 1, wallMillis - 2, wallMillis + 4, wallMillis};
        runs.finishStep(id, prof, "prof", new RunRepository.StepResult("passed", "{}", null,
                List.of(new RunRepository.MetricRow("prof", "wall.median", "ms", "lower_is_better", wallMillis)),
                List.of(new RunRepository.SampleRow("prof", "wall", "ms", walls)), List.of()));
        runs.finishRun(id, "passed", null);
        return id;
    }
}
