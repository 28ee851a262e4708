package io.perfplan.engine;

import io.perfplan.store.RunRepository;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Stores a run's step rows on one writer thread, in the order the engine asks, while the steps go
 * on: a step's start is written while its action runs, its result while the next step begins. The
 * run's listener hears of each event from the same thread, queued behind the writes before it, so
 * whatever it reports (a step started, a step passed) is already stored: a killed run loses nothing
 * it reported. Reads of the run's own rows wait for the writes queued before them ({@link #sync}).
 * A failed write fails the run: later writes, and the events that would report them, are dropped,
 * and the failure is thrown on the engine's thread at its next write or sync.
 */
final class RunRecorder implements AutoCloseable {

    /** A step attempt's row, whose id the writer learns when it stores the start. */
    static final class Row {
        private long id;
    }

    private record Task(Runnable work, boolean stored) {}

    private static final Task STOP = new Task(() -> { }, false);

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

    /** Queues the start of an attempt begun now. */
    Row start(String stepId, String action, int attempt) {
        Instant at = Instant.now();
        Row row = new Row();
        stored(() -> row.id = store.startStep(runId, stepId, action, attempt, at));
        return row;
    }

    /** Queues an attempt's end, with what it measured. */
    void finish(Row row, String stepId, int attempt, RunRepository.StepResult result) {
        Instant at = Instant.now();
        stored(() -> store.finishStep(runId, row.id, stepId, attempt, result, at));
    }

    /** Queues a change of an attempt's status (a passed attempt whose {@code retry.until} stayed false). */
    void updateStatus(Row row, String status, String error) {
        stored(() -> store.updateStepStatus(row.id, status, error));
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
                stored(() -> listener.stepStarted(stepId, action, attempt));
            }

            @Override
            public void stepLog(String stepId, String message) {
                submit(new Task(() -> listener.stepLog(stepId, message), false));
            }

            @Override
            public void stepFinished(StepReport step) {
                stored(() -> listener.stepFinished(step));
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
            submit(new Task(() -> done.complete(null), false));
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

    private void stored(Runnable work) {
        rethrow();
        submit(new Task(work, true));
    }

    private void submit(Task t) {
        if (closed) { // a log line from an action thread that outlived its run
            if (t.stored()) {
                throw new IllegalStateException("the run has ended; nothing more of it can be stored");
            }
            t.work().run();
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

    private void drain() {
        while (true) {
            Task t;
            try {
                t = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (t == STOP) {
                return;
            }
            if (t.stored() && failure != null) {
                continue;
            }
            try {
                t.work().run();
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }
}
