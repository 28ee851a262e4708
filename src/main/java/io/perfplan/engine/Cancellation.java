package io.perfplan.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cancel signal with a reason, optionally chained to a parent (a step's token follows its run's).
 * Callbacks registered with {@link #onCancel} run once, on the cancelling thread.
 */
public final class Cancellation {

    private final Cancellation parent;
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private volatile String reason;

    public Cancellation() {
        this(null);
    }

    private Cancellation(Cancellation parent) {
        this.parent = parent;
    }

    /** A token cancelled when this one is, or on its own. */
    public Cancellation child() {
        Cancellation c = new Cancellation(this);
        onCancel(() -> c.cancel(reason));
        return c;
    }

    public void cancel(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why == null ? "cancelled" : why;
        }
        for (Runnable r : callbacks) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // a failing cleanup must not stop the others
            }
        }
    }

    public boolean isCancelled() {
        return reason != null || (parent != null && parent.isCancelled());
    }

    public String reason() {
        return reason != null ? reason : parent != null ? parent.reason() : null;
    }

    public void onCancel(Runnable callback) {
        callbacks.add(callback);
        if (reason != null) {
            callback.run();
        }
    }
}
