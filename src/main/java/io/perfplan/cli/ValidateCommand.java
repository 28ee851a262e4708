package io.perfplan.cli;

import io.perfplan.plan.PlanException;
import io.perfplan.plan.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Checks plans without running them and lists every problem as file:line:col. */
@Command(name = "validate", description = "Check plans without running anything; lists every problem as file:line:col: message.")
public final class ValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PLAN", description = "Plan files to check.")
    List<Path> plans;

    @picocli.CommandLine.Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Mixin
    Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int bad = 0;
        List<java.util.Map<String, Object>> results = new java.util.ArrayList<>();
        for (Path p : plans) {
            List<Problem> problems;
            try {
                Services.load(p);
                problems = List.of();
            } catch (PlanException e) {
                problems = e.problems();
            }
            if (!problems.isEmpty()) {
                bad++;
            }
            if (json) {
                results.add(java.util.Map.of("file", p.toString(), "valid", problems.isEmpty(),
                        "problems", problems.stream().map(x -> java.util.Map.of("line", x.pos().line(), "col", x.pos().col(),
                                "message", x.message())).toList()));
            } else if (problems.isEmpty()) {
                out.println(p + ": ok");
            } else {
                problems.forEach(err::println);
            }
        }
        if (json) {
            out.println(Json.write(results));
        } else if (bad > 0) {
            err.println(bad == 1 && plans.size() == 1 ? "the plan is invalid" : bad + " of " + plans.size() + " plans are invalid");
        }
        return bad == 0 ? ExitCode.OK : ExitCode.INVALID;
    }
}
