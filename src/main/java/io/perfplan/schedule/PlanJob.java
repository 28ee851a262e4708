package io.perfplan.schedule;

import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** The Quartz job of a scheduled plan whose runs may overlap ({@code overlap: allow} or {@code skip}). */
public class PlanJob implements Job {

    private final ScheduledRuns runs;

    PlanJob(ScheduledRuns runs) {
        this.runs = runs;
    }

    @Override
    public void execute(JobExecutionContext context) {
        runs.fire(context);
    }
}
