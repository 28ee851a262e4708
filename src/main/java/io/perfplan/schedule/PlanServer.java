package io.perfplan.schedule;

import io.perfplan.plan.Plan;
import io.perfplan.plan.PlanException;
import io.perfplan.plan.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code perfplan serve}: schedules every plan with a {@code schedule} in a folder, watches the folder
 * (a new, changed or deleted plan is rescheduled within one poll interval; an invalid one is reported
 * and its previous schedule kept) and on {@link #stop()} stops firing, lets runs finish for the grace
 * period, then cancels the rest and waits for their {@code finally} steps.
 */
public final class PlanServer implements AutoCloseable {

    /** Time cancelled runs get for their {@code finally} steps before Quartz is shut down anyway. */
    private static final Duration FINALLY_WAIT = Duration.ofMinutes(5);

    private final Path folder;
    private final PlanScheduler scheduler;
    private final ScheduledRuns runs;
    private final Function<Path, Plan> loader;
    private final ScheduleSettings settings;
    private final Consumer<String> report;
    private final Map<Path, FileState> seen = new HashMap<>();
    /** The plan each file last defined validly (kept while the file is invalid). */
    private final Map<Path, String> planOfFile = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Thread watcher;
    private volatile boolean stopping;
    private boolean started;

    private record FileState(long modifiedNanos, long size) {}

    /**
     * @param loader loads and validates a plan file, throwing {@link PlanException} with every problem
     */
    public PlanServer(Path folder, PlanScheduler scheduler, ScheduledRuns runs, Function<Path, Plan> loader,
                      ScheduleSettings settings, Consumer<String> report) {
        this.folder = folder.toAbsolutePath().normalize();
        this.scheduler = scheduler;
        this.runs = runs;
        this.loader = loader;
        this.settings = settings;
        this.report = report;
        runs.node(scheduler.instanceId());
    }

    /**
     * Loads the folder, brings the stored schedules in line with it (plans no longer in the folder
     * lose theirs), starts firing and watching. Throws {@link IllegalArgumentException} when the
     * folder does not exist.
     */
    public void start() {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("the plans folder " + folder + " does not exist; pass an existing one with --plans");
        }
        long t0 = System.nanoTime();
        scan();
        Set<String> kept = Set.copyOf(planOfFile.values());
        for (String stored : scheduler.scheduledPlans()) {
            if (!kept.contains(stored) && !invalidFileHolds(stored)) {
                scheduler.unschedule(stored);
                report.accept("plan " + stored + " is no longer in " + folder + "; its schedule was removed");
            }
        }
        started = true;
        scheduler.start();
        report.accept("serving " + planOfFile.size() + " scheduled plan(s) from " + folder + " as node " + scheduler.instanceId()
                + (settings.clustered() ? " (cluster)" : "") + "; loaded in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        watcher = new Thread(this::watch, "perfplan-plan-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** A file that is invalid now but whose stored job came from it keeps its schedule. */
    private boolean invalidFileHolds(String plan) {
        return scheduler.fileOf(plan).map(f -> seen.containsKey(Path.of(f)) && !planOfFile.containsKey(Path.of(f))).orElse(false);
    }

    private void watch() {
        while (!stopping) {
            try {
                Thread.sleep(Math.max(50, settings.pollInterval().toMillis()));
                scan();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                report.accept("could not reload the plans folder: " + e.getMessage());
            }
        }
    }

    /** Looks at every plan file once; loads the new and changed ones, drops the deleted ones. */
    synchronized void scan() {
        if (stopping && started) {
            return;
        }
        Map<Path, FileState> now = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if ((n.endsWith(".yaml") || n.endsWith(".yml")) && Files.isRegularFile(f)) {
                    var attrs = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class);
                    now.put(f, new FileState(attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS), attrs.size()));
                }
            }
        } catch (IOException e) {
            report.accept("cannot list the plans folder " + folder + ": " + e.getMessage());
            return;
        }
        for (Path gone : new ArrayList<>(seen.keySet())) {
            if (!now.containsKey(gone)) {
                seen.remove(gone);
                String plan = planOfFile.remove(gone);
                if (plan != null && !planOfFile.containsValue(plan)) {
                    scheduler.unschedule(plan);
                    runs.remove(plan);
                    report.accept("plan " + plan + ": " + folder.relativize(gone) + " was deleted; its schedule was removed");
                }
            }
        }
        for (Map.Entry<Path, FileState> e : now.entrySet()) {
            if (stopping && started) {
                return;
            }
            if (!e.getValue().equals(seen.get(e.getKey()))) {
                seen.put(e.getKey(), e.getValue());
                load(e.getKey());
            }
        }
    }

    private void load(Path file) {
        Plan plan;
        try {
            plan = loader.apply(file);
        } catch (PlanException e) {
            for (Problem p : e.problems()) {
                report.accept(p.toString());
            }
            String previous = planOfFile.get(file);
            report.accept(file.getFileName() + " is invalid" + (previous == null ? "; it is not scheduled"
                    : "; plan " + previous + " keeps its previous schedule"));
            return;
        } catch (RuntimeException e) {
            report.accept(file + ": cannot be loaded: " + e.getMessage());
            return;
        }
        String previous = planOfFile.get(file);
        for (Map.Entry<Path, String> other : planOfFile.entrySet()) {
            if (!other.getKey().equals(file) && other.getValue().equals(plan.name())) {
                report.accept(file + ": plan " + plan.name() + " is already defined in " + other.getKey()
                        + "; rename one of them (plan names are unique); " + file.getFileName() + " is not scheduled");
                return;
            }
        }
        if (previous != null && !previous.equals(plan.name())) {
            scheduler.unschedule(previous);
            runs.remove(previous);
            planOfFile.remove(file);
            report.accept("plan " + previous + " was renamed to " + plan.name() + " in " + file.getFileName() + "; its schedule was removed");
        }
        if (plan.schedule().isEmpty()) {
            if (planOfFile.remove(file) != null) {
                scheduler.unschedule(plan.name());
                runs.remove(plan.name());
                report.accept("plan " + plan.name() + " has no schedule any more; its schedule was removed");
            }
            return;
        }
        List<String> unfit = runs.unfitForSchedule(plan);
        if (!unfit.isEmpty()) {
            unfit.forEach(report);
            report.accept(file.getFileName() + " cannot be scheduled" + (previous == null ? "" : "; plan " + previous + " keeps its previous schedule"));
            return;
        }
        runs.put(plan);
        planOfFile.put(file, plan.name());
        boolean changed = scheduler.schedule(plan);
        if (!changed && previous == null && !started) {
            return; // start-up: the stored schedule is current; `serving N plans` says enough
        }
        Plan.Schedule s = plan.schedule().get();
        String next = scheduler.nextFire(plan.name()).map(Instant::toString).orElse("never");
        report.accept("plan " + plan.name() + (previous == null ? " scheduled" : changed ? " rescheduled" : " reloaded")
                + ": cron \"" + s.cron() + "\" " + s.timezone() + ", overlap " + s.overlap() + ", misfire " + s.misfire() + "; next " + next);
    }

    /** Stops firing, waits up to the grace period for running runs, cancels the rest and shuts Quartz down. */
    public void stop() {
        if (stopping) {
            awaitStopped();
            return;
        }
        stopping = true;
        try {
            if (watcher != null) {
                // not interrupted: an interrupt during database I/O would close H2's file
                joinQuietly(watcher);
            }
            scheduler.standby();
            long deadline = System.nanoTime() + settings.grace().toNanos();
            if (runs.going() > 0) {
                report.accept("stopping: no new firings; waiting up to " + settings.grace().toSeconds() + " s for " + runs.going() + " run(s)");
            }
            while (runs.going() > 0 && System.nanoTime() < deadline) {
                sleep(50);
            }
            if (runs.going() > 0) {
                report.accept("stopping: cancelling " + runs.going() + " run(s) still going after the grace period");
                runs.cancelAll("perfplan serve was stopped and the grace period of " + settings.grace().toSeconds() + " s ran out");
                long finallyDeadline = System.nanoTime() + FINALLY_WAIT.toNanos();
                while (runs.going() > 0 && System.nanoTime() < finallyDeadline) {
                    sleep(50);
                }
            }
            scheduler.close();
            report.accept("stopped");
        } finally {
            stopped.countDown();
        }
    }

    /** Blocks until {@link #stop()} has finished. */
    public void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
