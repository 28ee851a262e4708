package io.perfplan.cli;

import io.perfplan.report.Csv;
import io.perfplan.report.RunComparison;
import io.perfplan.store.RunRepository;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Two runs side by side: every shared metric, the change, better or worse, and the significance where both have samples. */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Compare two runs metric by metric: the change, better or worse, and its significance.",
                "",
                "Every metric both runs stored, side by side, with the change from RUN_A to RUN_B, whether it is "
                        + "better or worse by the metric's direction, and, where both runs stored samples, a Mann-Whitney U "
                        + "p-value and the regression gate's verdict of RUN_B against RUN_A (alpha 0.01)."})
public final class CompareCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_A", description = "The reference run (an id, or 'last').")
    String runA;

    @Parameters(index = "1", paramLabel = "RUN_B", description = "The run compared with it (an id, or 'last').")
    String runB;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--csv", description = "Print CSV (RFC 4180).")
    boolean csv;

    @Mixin
    Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (json && csv) {
            throw new UsageException("--json and --csv exclude each other; choose one");
        }
        return common.withDatabase(spec, (db, out) -> {
            RunRepository runs = db.runs();
            RunRepository.RunRow a = RunRef.resolve(runs, runA);
            RunRepository.RunRow b = RunRef.resolve(runs, runB);
            List<RunComparison.MetricChange> changes = RunComparison.compare(runs, a.id(), b.id());
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("a", Reports.runRow(a));
                m.put("b", Reports.runRow(b));
                m.put("metrics", changes.stream().map(RunComparison.MetricChange::toMap).toList());
                out.println(Json.write(m));
            } else if (csv) {
                Csv.write(out, List.of("metric", "unit", "direction", "a", "b", "change", "assessment", "samples_a", "samples_b",
                        "p_value", "significant", "regression"), changes.stream().map(c -> Arrays.<Object>asList(c.metric(), c.unit(),
                        c.direction(), c.a(), c.b(), c.change(), c.assessment(), c.samplesA(), c.samplesB(), c.pValue(),
                        c.significant(), c.regression())).toList());
            } else {
                print(out, a, b, changes);
            }
            return ExitCode.OK;
        });
    }

    private static void print(PrintWriter out, RunRepository.RunRow a, RunRepository.RunRow b, List<RunComparison.MetricChange> changes) {
        out.println("A: run " + a.id() + " of plan " + a.plan() + ", " + a.status() + ", started " + a.startedAt());
        out.println("B: run " + b.id() + " of plan " + b.plan() + ", " + b.status() + ", started " + b.startedAt());
        if (changes.isEmpty()) {
            out.println("the two runs share no metric");
            return;
        }
        out.println();
        List<List<String>> rows = new ArrayList<>();
        for (RunComparison.MetricChange c : changes) {
            rows.add(List.of(c.metric(), Reports.value(c.a()), Reports.value(c.b()), c.unit(),
                    Double.isNaN(c.change()) ? "-" : String.format(Locale.ROOT, "%+.1f%%", c.change() * 100),
                    c.assessment(), Double.isNaN(c.pValue()) ? "-" : String.format(Locale.ROOT, "%.4f%s", c.pValue(),
                            Boolean.TRUE.equals(c.significant()) ? " *" : ""),
                    c.regression() == null ? "-" : c.regression()));
        }
        Reports.table(out, List.of("METRIC", "A", "B", "UNIT", "CHANGE", "B IS", "P (SAMPLES)", "REGRESSION"), rows);
        long tested = changes.stream().filter(c -> c.significant() != null).count();
        out.println();
        out.println(tested == 0 ? "no metric has samples in both runs, so none was tested for significance"
                : "* p < " + RunComparison.ALPHA + ": the samples of A and B differ; REGRESSION is the gate's verdict of B against A");
    }
}
