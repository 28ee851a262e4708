package io.perfplan.schedule;

import org.quartz.DisallowConcurrentExecution;

/**
 * The Quartz job of an {@code overlap: queue} plan: Quartz holds a firing back (cluster-wide) while
 * the previous run is going and fires it when that run ends, so at most one firing waits.
 */
@DisallowConcurrentExecution
public class QueuedPlanJob extends PlanJob {

    QueuedPlanJob(ScheduledRuns runs) {
        super(runs);
    }
}
