package io.perfplan.engine;

import io.perfplan.store.RunRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Stores a run's step rows on one writer thread, in the order the engine asks, while the steps go
 * on: a step's start is written while its action runs, its result while the next step begins. The
 * run's listener hears of each event from the same thread, queued behind the writes before it, so
 * whatever it reports (a step started, a step passed) is already stored: a killed run loses nothing
 * it reported. Whatever queued up while the writer was busy goes into its next transaction, so a run
 * of short steps pays one commit for several of them. Reads of the run's own rows wait for the writes
 * queued before them ({@link #sync}).
 * A failed write fails the run: later writes, and the events that would report them, are dropped,
 * and the failure is thrown on the engine's thread at its next write or sync.
 */
final class RunRecorder implements AutoCloseable {

    /** A write of step rows, or an event ({@code stored}: one that reports what a write stored). */
    private record Task(RunRepository.StepWrite write, Runnable event, boolean stored) {}

    private static final Task STOP = new Task(null, () -> { }, false);

    private final RunRepository store;
    private final long runId;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile Throwable failure;
    private volatile boolean closed;

    RunRecorder(RunRepository store, long runId) {
        this.store = store;
        this.runId = runId;
        this.writer = new Thread(this::drain, "perfplan-recorder-" + runId);
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues the start of an attempt begun now; the row's id is known once the writer has stored it. */
    RunRepository.StepRef start(String stepId, String action, int attempt) {
        RunRepository.StepRef row = new RunRepository.StepRef();
        write(new RunRepository.StartStep(row, runId, stepId, action, attempt, Instant.now()));
        return row;
    }

    /** Queues an attempt's end, with what it measured; {@code attempt} > 1 replaces an earlier attempt's metrics. */
    void finish(RunRepository.StepRef row, String stepId, int attempt, RunRepository.StepResult result) {
        write(new RunRepository.FinishStep(row, runId, stepId, attempt, result, Instant.now()));
    }

    /** Queues a change of an attempt's status (a passed attempt whose {@code retry.until} stayed false). */
    void updateStatus(RunRepository.StepRef row, String status, String error) {
        write(new RunRepository.StepStatus(row, status, error));
    }

    /** {@code listener} hearing each event after the writes queued before it. */
    RunListener inOrder(RunListener listener) {
        return new RunListener() {
            @Override
            public void runStarted(long id, String plan, int steps) {
                listener.runStarted(id, plan, steps);
            }

            @Override
            public void stepStarted(String stepId, String action, int attempt) {
                submit(new Task(null, () -> listener.stepStarted(stepId, action, attempt), true));
            }

            @Override
            public void stepLog(String stepId, String message) {
                submit(new Task(null, () -> listener.stepLog(stepId, message), false));
            }

            @Override
            public void stepFinished(StepReport step) {
                submit(new Task(null, () -> listener.stepFinished(step), true));
            }

            @Override
            public void runFinished(RunReport run) {
                sync();
                listener.runFinished(run);
            }
        };
    }

    /** Waits until everything queued so far is stored and reported; throws the failure of a write. */
    void sync() {
        if (Thread.currentThread() != writer) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            submit(new Task(null, () -> done.complete(null), false));
            done.join();
        }
        rethrow();
    }

    /** Ends the writer once what is queued is done, without waiting; later log lines go straight to the listener. */
    @Override
    public void close() {
        closed = true;
        queue.add(STOP);
    }

    private void write(RunRepository.StepWrite w) {
        rethrow();
        submit(new Task(w, null, true));
    }

    private void submit(Task t) {
        if (closed) { // a log line from an action thread that outlived its run
            if (t.stored()) {
                throw new IllegalStateException("the run has ended; nothing more of it can be stored");
            }
            t.event().run();
            return;
        }
        queue.add(t);
    }

    private void rethrow() {
        Throwable f = failure;
        if (f instanceof RuntimeException e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
    }

    /**
     * Takes whatever is queued, makes its writes in one transaction, then runs its events in order.
     * When the writes fail, the events queued after the first of them report nothing stored and are
     * dropped, apart from log lines; those before it reported earlier, committed writes.
     */
    private void drain() {
        List<Task> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch);
            List<RunRepository.StepWrite> writes = new ArrayList<>();
            int firstWrite = -1;
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).write() != null) {
                    firstWrite = firstWrite < 0 ? i : firstWrite;
                    writes.add(batch.get(i).write());
                }
            }
            boolean failedBefore = failure != null;
            boolean writesFailed = false;
            if (!writes.isEmpty() && !failedBefore) {
                try {
                    store.writeSteps(writes);
                } catch (Throwable e) {
                    failure = e;
                    writesFailed = true;
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                Task t = batch.get(i);
                if (t == STOP) {
                    return;
                }
                boolean unstored = failedBefore || (writesFailed && i > firstWrite);
                if (t.event() == null || (t.stored() && unstored)) {
                    continue;
                }
                try {
                    t.event().run();
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        }
    }
}
