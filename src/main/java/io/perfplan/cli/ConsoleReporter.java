package io.perfplan.cli;

import io.perfplan.engine.RunListener;
import io.perfplan.engine.RunReport;
import io.perfplan.engine.Status;
import io.perfplan.engine.StepReport;
import io.perfplan.plan.Quantities;
import java.io.PrintWriter;

/** Prints a line when a step starts and when it ends, and the run's verdict. */
final class ConsoleReporter implements RunListener {

    private final PrintWriter out;

    ConsoleReporter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void runStarted(long runId, String plan, int steps) {
        line("run " + runId + " of plan " + plan + " (" + steps + (steps == 1 ? " step)" : " steps)"));
    }

    @Override
    public void stepStarted(String stepId, String action, int attempt) {
        line(String.format("  > %-20s %-10s%s", stepId, action, attempt > 1 ? " attempt " + attempt : ""));
    }

    @Override
    public void stepLog(String stepId, String message) {
        line(String.format("    %-20s %s", stepId, message));
    }

    @Override
    public void stepFinished(StepReport s) {
        String mark = switch (s.status()) {
            case PASSED -> "ok";
            case SKIPPED -> "--";
            case FAILED -> s.continueOnError() ? "!!" : "XX";
            default -> "XX";
        };
        String took = s.status() == Status.SKIPPED ? "" : Quantities.format(s.duration());
        String why = s.message() == null ? "" : "  " + s.message();
        String tolerated = s.status() == Status.FAILED && s.continueOnError() ? " (continue_on_error)" : "";
        line(String.format("  %s %-20s %-9s %7s%s%s", mark, s.stepId(), s.status().id(), took, tolerated, why));
    }

    @Override
    public void runFinished(RunReport r) {
        line("run " + r.runId() + " " + r.status().id() + " in " + Quantities.format(r.duration())
                + (r.error() == null || r.status() == Status.PASSED ? "" : ": " + r.error()));
    }

    private synchronized void line(String s) {
        out.println(s);
        out.flush();
    }
}
