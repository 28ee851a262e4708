package io.perfplan.engine;

import java.time.Duration;
import java.util.List;

/** Ends a process and all its descendants: TERM first, KILL after a grace period. */
public final class ProcessTree {

    private ProcessTree() {}

    public static void destroy(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new java.util.ArrayList<>(root.descendants().toList());
        all.add(root);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : all) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    h.onExit().get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (Exception ignored) {
                    // fall through to KILL
                }
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }
}
