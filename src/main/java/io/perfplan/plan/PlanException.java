package io.perfplan.plan;

import java.util.List;
import java.util.stream.Collectors;

/** A plan that cannot be used; carries every problem found, each with its file, line and column. */
public class PlanException extends RuntimeException {

    private final List<Problem> problems;

    public PlanException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
