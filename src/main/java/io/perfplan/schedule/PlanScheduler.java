package io.perfplan.schedule;

import io.perfplan.plan.Plan;
import io.perfplan.store.Database;
import io.perfplan.store.DatabaseWork;
import io.perfplan.store.RunRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.spi.JobFactory;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz with its JDBC job store in perfplan's database: one job and one cron trigger per scheduled
 * plan (both named after the plan, group {@value #GROUP}). A plan's job is replaced only when its
 * schedule changed, so a restart keeps the trigger's last fire time and a missed firing is seen as a
 * misfire. Clustered on PostgreSQL: every node of one database shares the schedules.
 */
public final class PlanScheduler implements AutoCloseable {

    static final String GROUP = "perfplan";
    static final String NAME = "perfplan";
    private static final AtomicInteger DATA_SOURCES = new AtomicInteger();

    private final Scheduler quartz;
    private final String instanceId;
    /** Schedule digests of the stored jobs, read in one query at open; each is used once, by the first look at its plan. */
    private final Map<String, String> storedDigests;

    private PlanScheduler(Scheduler quartz, String instanceId, Map<String, String> storedDigests) {
        this.quartz = quartz;
        this.instanceId = instanceId;
        this.storedDigests = storedDigests;
    }

    /**
     * Creates a scheduler in standby over the database; {@code jobs} makes the jobs when it fires
     * (null for a scheduler that only reads or changes schedules, e.g. {@code schedule list}).
     */
    public static PlanScheduler open(Database db, ScheduleSettings settings, JobFactory jobs) {
        String dataSource = "perfplan-" + DATA_SOURCES.incrementAndGet();
        DBConnectionManager.getInstance().addConnectionProvider(dataSource, new DataSourceConnections(db.dataSource()));
        boolean postgres = db.url().startsWith("jdbc:postgresql:");
        Properties p = new Properties();
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, NAME);
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, settings.clustered() ? "AUTO" : RunRepository.node());
        p.setProperty(StdSchedulerFactory.PROP_SCHED_MAKE_SCHEDULER_THREAD_DAEMON, "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(settings.threads()));
        // plans due at the same second are fetched together, not one database round trip each
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(settings.threads()));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, RetryingJobStore.class.getName());
        p.setProperty("org.quartz.jobStore.driverDelegateClass", postgres
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSource);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.useProperties", "true"); // job data as text, no Java serialization
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(settings.misfireThreshold().toMillis()));
        p.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(settings.clustered()));
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(settings.checkinInterval().toMillis()));
        p.setProperty("org.quartz.jobStore.makeThreadsDaemons", "true");
        // a database call that failed (e.g. while another process hands the H2 file over) is tried again
        // after a second, not Quartz's default 15 s, which would make every firing of that moment late
        p.setProperty("org.quartz.jobStore.dbRetryInterval", "1000");
        try {
            StdSchedulerFactory factory = new StdSchedulerFactory(p);
            Scheduler quartz = factory.getScheduler();
            // Quartz keeps schedulers in a JVM-wide map by name; every perfplan scheduler must share the
            // name "perfplan" (it is a column of the QRTZ_ tables), so this one is kept out of the map.
            SchedulerRepository.getInstance().remove(NAME);
            if (jobs != null) {
                quartz.setJobFactory(jobs);
            }
            return new PlanScheduler(quartz, quartz.getSchedulerInstanceId(), storedDigests(db.dataSource()));
        } catch (SchedulerException | SQLException e) {
            try {
                DBConnectionManager.getInstance().shutdown(dataSource);
            } catch (java.sql.SQLException ignored) {
                // DataSourceConnections.shutdown does nothing
            }
            throw new ScheduleException("cannot start the scheduler on " + Database.redact(db.url()) + ": " + e.getMessage(), e);
        }
    }

    /** Plan name to schedule digest (the job's description) of every stored job that has its trigger. */
    private static Map<String, String> storedDigests(DataSource ds) throws SQLException {
        return DatabaseWork.run(ds, (c, attempt) -> {
            Map<String, String> out = new ConcurrentHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT j.JOB_NAME, j.DESCRIPTION FROM QRTZ_JOB_DETAILS j WHERE j.SCHED_NAME = ? AND j.JOB_GROUP = ?"
                            + " AND j.DESCRIPTION IS NOT NULL AND EXISTS (SELECT 1 FROM QRTZ_TRIGGERS t WHERE t.SCHED_NAME = j.SCHED_NAME"
                            + " AND t.JOB_NAME = j.JOB_NAME AND t.JOB_GROUP = j.JOB_GROUP)")) {
                ps.setString(1, NAME);
                ps.setString(2, GROUP);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return out;
        });
    }

    /** This node's Quartz instance id (unique per process in a cluster), recorded with each firing. */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Registers the plan's job and cron trigger, or replaces them when its schedule or file changed.
     * Returns whether anything changed.
     */
    public boolean schedule(Plan plan) {
        Plan.Schedule s = plan.schedule().orElseThrow(() -> new IllegalArgumentException("plan " + plan.name() + " has no schedule"));
        String file = plan.file() == null ? "" : plan.file().toAbsolutePath().normalize().toString();
        String digest = digest(String.join("|", s.cron(), s.timezone(), s.overlap(), s.misfire(), file));
        JobKey key = JobKey.jobKey(plan.name(), GROUP);
        try {
            // Quartz does not retry these calls itself; the database may be changing hands (see DatabaseWork)
            return DatabaseWork.retry(attempt -> store(plan, s, file, digest, key));
        } catch (SchedulerException | RuntimeException e) {
            throw new ScheduleException("cannot schedule plan " + plan.name() + ": " + Database.rootMessage(e), e);
        }
    }

    private boolean store(Plan plan, Plan.Schedule s, String file, String digest, JobKey key) throws SchedulerException {
        String stored = storedDigests.remove(plan.name());
        boolean exists = stored != null;
        if (stored == null) {
            JobDetail existing = quartz.getJobDetail(key);
            exists = existing != null;
            stored = existing == null || quartz.getTriggersOfJob(key).isEmpty() ? null : existing.getDescription();
        }
        if (digest.equals(stored)) {
            return false;
        }
        JobDataMap data = new JobDataMap();
        data.put("plan", plan.name());
        data.put("file", file);
        data.put("cron", s.cron());
        data.put("timezone", s.timezone());
        data.put("overlap", s.overlap());
        data.put("misfire", s.misfire());
        JobDetail job = JobBuilder.newJob("queue".equals(s.overlap()) ? QueuedPlanJob.class : PlanJob.class)
                .withIdentity(key)
                .withDescription(digest) // what the job was made from; unchanged means keep it
                .usingJobData(data)
                .requestRecovery(true) // a dead node's firing is run again by another node
                .build();
        CronScheduleBuilder cron = CronScheduleBuilder.cronSchedule(s.cron()).inTimeZone(TimeZone.getTimeZone(s.timezone()));
        // run-once: after downtime one catch-up run now, however many firings were missed; skip: none
        cron = "skip".equals(s.misfire()) ? cron.withMisfireHandlingInstructionDoNothing()
                : cron.withMisfireHandlingInstructionFireAndProceed();
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(TriggerKey.triggerKey(plan.name(), GROUP))
                .forJob(key).withSchedule(cron).build();
        if (!exists) {
            // another node starting at the same moment may store the same job first: then keep its
            // trigger, whose firings may have begun, instead of replacing it
            try {
                quartz.scheduleJob(job, Set.of(trigger), false);
                return true;
            } catch (ObjectAlreadyExistsException e) {
                JobDetail now = quartz.getJobDetail(key);
                if (now != null && digest.equals(now.getDescription())) {
                    return false;
                }
            }
        }
        quartz.scheduleJob(job, Set.of(trigger), true);
        return true;
    }

    /** Removes a plan's job and trigger; returns whether it was scheduled. */
    public boolean unschedule(String plan) {
        try {
            return DatabaseWork.retry(attempt -> quartz.deleteJob(JobKey.jobKey(plan, GROUP)));
        } catch (SchedulerException e) {
            throw new ScheduleException("cannot remove the schedule of plan " + plan + ": " + Database.rootMessage(e), e);
        }
    }

    /** Names of the plans that have a job, sorted. */
    public Set<String> scheduledPlans() {
        try {
            Set<String> out = new TreeSet<>();
            DatabaseWork.retry(attempt -> quartz.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))).forEach(k -> out.add(k.getName()));
            return out;
        } catch (SchedulerException e) {
            throw new ScheduleException("cannot read the schedules: " + Database.rootMessage(e), e);
        }
    }

    /** The plan file a scheduled plan came from, as stored with its job. */
    public Optional<String> fileOf(String plan) {
        try {
            JobDetail job = DatabaseWork.retry(attempt -> quartz.getJobDetail(JobKey.jobKey(plan, GROUP)));
            return job == null ? Optional.empty() : Optional.ofNullable(job.getJobDataMap().getString("file"));
        } catch (SchedulerException e) {
            throw new ScheduleException("cannot read the schedule of plan " + plan + ": " + Database.rootMessage(e), e);
        }
    }

    /** When the plan's trigger fires next, if it is scheduled and fires again. */
    public Optional<Instant> nextFire(String plan) {
        try {
            Trigger t = DatabaseWork.retry(attempt -> quartz.getTrigger(TriggerKey.triggerKey(plan, GROUP)));
            return t == null || t.getNextFireTime() == null ? Optional.empty() : Optional.of(t.getNextFireTime().toInstant());
        } catch (SchedulerException e) {
            throw new ScheduleException("cannot read the schedule of plan " + plan + ": " + Database.rootMessage(e), e);
        }
    }

    /** Every scheduled plan with its next {@code fireTimes} fire times, sorted by the next one. */
    public List<ScheduledPlan> list(int fireTimes) {
        List<ScheduledPlan> out;
        try {
            out = DatabaseWork.retry(attempt -> listOnce(fireTimes));
        } catch (SchedulerException e) {
            throw new ScheduleException("cannot read the schedules: " + Database.rootMessage(e), e);
        }
        out.sort(Comparator.comparing((ScheduledPlan s) -> s.nextFires().isEmpty() ? Instant.MAX : s.nextFires().get(0))
                .thenComparing(ScheduledPlan::plan));
        return out;
    }

    private List<ScheduledPlan> listOnce(int fireTimes) throws SchedulerException {
        List<ScheduledPlan> out = new ArrayList<>();
        for (JobKey key : quartz.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            JobDetail job = quartz.getJobDetail(key);
            if (job == null) {
                continue; // removed meanwhile
            }
            JobDataMap d = job.getJobDataMap();
            for (Trigger t : quartz.getTriggersOfJob(key)) {
                List<Instant> next = new ArrayList<>();
                Date at = t.getNextFireTime();
                if (t instanceof CronTrigger ct && at != null) {
                    CronExpression expr = cronOf(ct);
                    while (at != null && next.size() < fireTimes) {
                        next.add(at.toInstant());
                        at = expr.getNextValidTimeAfter(at);
                    }
                }
                out.add(new ScheduledPlan(key.getName(), d.getString("cron"), d.getString("timezone"), d.getString("overlap"),
                        d.getString("misfire"), d.getString("file"), quartz.getTriggerState(t.getKey()).name(),
                        t.getPreviousFireTime() == null ? null : t.getPreviousFireTime().toInstant(), List.copyOf(next)));
            }
        }
        return out;
    }

    private static CronExpression cronOf(CronTrigger t) throws SchedulerException {
        try {
            CronExpression expr = new CronExpression(t.getCronExpression());
            expr.setTimeZone(t.getTimeZone());
            return expr;
        } catch (java.text.ParseException e) {
            throw new SchedulerException("the stored cron \"" + t.getCronExpression() + "\" is invalid: " + e.getMessage(), e);
        }
    }

    /** Starts firing (and, on a cluster, joins it; Quartz recovers firings of dead nodes). */
    public void start() {
        try {
            quartz.start();
        } catch (SchedulerException e) {
            throw new ScheduleException("cannot start the scheduler: " + Database.rootMessage(e), e);
        }
    }

    /** Stops firing; runs already going continue. */
    public void standby() {
        try {
            quartz.standby();
        } catch (SchedulerException e) {
            throw new ScheduleException("cannot pause the scheduler: " + Database.rootMessage(e), e);
        }
    }

    /** Shuts Quartz down, waiting for jobs still executing. */
    @Override
    public void close() {
        try {
            quartz.shutdown(true);
        } catch (SchedulerException e) {
            throw new ScheduleException("cannot stop the scheduler: " + Database.rootMessage(e), e);
        }
    }

    private static String digest(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

}
