package io.perfplan.schedule;

import io.perfplan.store.DatabaseWork;
import org.quartz.SchedulerException;
import org.quartz.impl.jdbcjobstore.JobStoreTX;

/**
 * Quartz's job store, whose start (recovering the firings a stopped scheduler left, or joining the
 * cluster) is tried again while it fails for a passing reason, as every other database call of
 * {@code serve} is ({@link DatabaseWork}): a shared H2 file changing hands just then made
 * {@code serve} exit with "cannot start the scheduler: Connection is broken".
 */
public final class RetryingJobStore extends JobStoreTX {

    @Override
    public void schedulerStarted() throws SchedulerException {
        DatabaseWork.retry(attempt -> {
            super.schedulerStarted();
            return null;
        });
    }
}
