package io.perfplan.schedule;

import io.perfplan.engine.Cancellation;
import io.perfplan.engine.Engine;
import io.perfplan.engine.RunListener;
import io.perfplan.engine.RunReport;
import io.perfplan.plan.Plan;
import io.perfplan.plan.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;

/**
 * Turns a Quartz firing into an engine run with trigger {@code schedule}: claims the firing in
 * {@link FiringLog} (so it runs once in a cluster), applies {@code overlap: skip}, runs the newest
 * valid version of the plan that this node loaded, and keeps each run's {@link Cancellation} so a
 * stopping server can cancel what is still going.
 */
public final class ScheduledRuns implements JobFactory {

    private final Engine engine;
    private final FiringLog firings;
    private final Map<String, String> environment;
    private final Consumer<String> report;
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();
    private final Set<Cancellation> going = ConcurrentHashMap.newKeySet();
    private volatile String node = "unknown";

    public ScheduledRuns(Engine engine, FiringLog firings, Map<String, String> environment, Consumer<String> report) {
        this.engine = engine;
        this.firings = firings;
        this.environment = Map.copyOf(environment);
        this.report = report;
    }

    /** Sets the node id recorded with each firing (the scheduler's instance id). */
    void node(String id) {
        this.node = id;
    }

    /** The version of the plan that firings run from now on. */
    public void put(Plan plan) {
        plans.put(plan.name(), plan);
    }

    public void remove(String plan) {
        plans.remove(plan);
    }

    public Optional<Plan> get(String plan) {
        return Optional.ofNullable(plans.get(plan));
    }

    /**
     * What keeps the plan from running unattended, as {@code file:line:col: message} lines: a
     * parameter without a default (nobody passes {@code -p}) or a secret missing from the environment.
     */
    public List<String> unfitForSchedule(Plan plan) {
        List<String> out = new ArrayList<>();
        for (Plan.Param p : plan.params().values()) {
            if (p.required() && p.defaultValue() == null) {
                out.add(new Problem(plan.file(), plan.positions().of("params." + p.name()),
                        "parameter '" + p.name() + "' has no default; a scheduled run cannot be given one, so add `default:`").toString());
            }
        }
        for (String secret : plan.secrets()) {
            if (!environment.containsKey(secret)) {
                out.add(new Problem(plan.file(), plan.positions().of("secrets"),
                        "secret " + secret + " is not set; export it in the environment of `perfplan serve`").toString());
            }
        }
        return out;
    }

    /** How many runs started by this node are going. */
    public int going() {
        return going.size();
    }

    /** Cancels every run that is going; their {@code finally} steps still run and they are recorded {@code cancelled}. */
    public void cancelAll(String reason) {
        going.forEach(c -> c.cancel(reason));
    }

    @Override
    public Job newJob(TriggerFiredBundle bundle, Scheduler scheduler) {
        return bundle.getJobDetail().getJobClass() == QueuedPlanJob.class ? new QueuedPlanJob(this) : new PlanJob(this);
    }

    void fire(JobExecutionContext context) {
        String name = context.getJobDetail().getKey().getName();
        Instant scheduled = scheduledTime(context);
        Plan plan = plans.get(name);
        if (plan == null) {
            report.accept("plan " + name + " fired but this node has no valid copy of it (fix "
                    + context.getJobDetail().getJobDataMap().getString("file") + "); the firing was not run");
            return;
        }
        String overlap = plan.schedule().map(Plan.Schedule::overlap).orElse("skip");
        if (context.isRecovering()) {
            Optional<FiringLog.Firing> dead = firings.find(name, scheduled);
            if (dead.isPresent()) {
                firings.takeOver(dead.get(), node);
                report.accept("plan " + name + ": node " + dead.get().node() + " stopped during the firing of " + scheduled
                        + (dead.get().runId() == null ? "" : " (run " + dead.get().runId() + " marked interrupted)") + "; running it here");
            } else if (!firings.claim(name, scheduled, node, "running")) {
                return;
            }
        } else if ("skip".equals(overlap) && firings.otherRunGoing(name, context.getFireInstanceId())) {
            if (firings.claim(name, scheduled, node, "skipped")) {
                report.accept("plan " + name + ": firing of " + scheduled + " skipped, the previous run is still going (overlap: skip)");
            }
            return;
        } else if (!firings.claim(name, scheduled, node, "running")) {
            report.accept("plan " + name + ": the firing of " + scheduled + " was already taken by another node; not run twice");
            return;
        }
        run(plan, scheduled);
    }

    private void run(Plan plan, Instant scheduled) {
        Cancellation cancel = new Cancellation();
        going.add(cancel);
        try {
            Map<String, Object> params = Engine.resolveParams(plan, Map.of());
            RunListener listener = new RunListener() {
                @Override
                public void runStarted(long runId, String planName, int steps) {
                    firings.setRun(planName, scheduled, runId);
                }
            };
            long lateMillis = Duration.between(scheduled, Instant.now()).toMillis();
            report.accept("plan " + plan.name() + ": starting the firing of " + scheduled + " (" + lateMillis + " ms after its time)");
            RunReport r = engine.run(plan, params, new Engine.RunOptions("schedule", listener, cancel, environment));
            firings.setOutcome(plan.name(), scheduled, r.status().id());
            report.accept("plan " + plan.name() + ": run " + r.runId() + " " + r.status().id()
                    + (r.error() == null ? "" : " (" + r.error() + ")"));
        } catch (RuntimeException e) {
            firings.setOutcome(plan.name(), scheduled, "not-run");
            report.accept("plan " + plan.name() + ": the firing of " + scheduled + " could not run: " + e.getMessage());
        } finally {
            going.remove(cancel);
        }
    }

    /** The time the firing was due; for a firing recovered from a dead node, the original firing's time. */
    private static Instant scheduledTime(JobExecutionContext context) {
        if (context.isRecovering()) {
            String original = context.getMergedJobDataMap().getString(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS);
            if (original != null) {
                return Instant.ofEpochMilli(Long.parseLong(original));
            }
        }
        return context.getScheduledFireTime().toInstant();
    }
}
