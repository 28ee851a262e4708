package io.perfplan.core.sampling;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The fixed-rate schedule of a sampler: a tick every {@code interval} from the start until
 * {@code duration} has passed, the sample arrays are full, or {@code stop} answers true. Ticks keep
 * to the schedule (a slow sample does not push the next one back).
 */
final class Ticks {

    private final long intervalNanos;
    private final long durationNanos;
    private final int capacity;
    private final BooleanSupplier stop;
    private final long start = System.nanoTime();
    private long now = start;
    private long previous = start;
    private int count;
    private boolean ticking;
    private String note = "";

    /** @throws IllegalArgumentException when the interval is under 10 ms or longer than the duration */
    Ticks(Duration interval, Duration duration, BooleanSupplier stop) {
        if (interval.toMillis() < 10) {
            throw new IllegalArgumentException("interval " + interval.toMillis() + " ms is too short; use 10ms or more (100ms is typical).");
        }
        if (duration.compareTo(interval) < 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "duration %d ms is shorter than the interval %d ms; sample for longer.", duration.toMillis(), interval.toMillis()));
        }
        this.intervalNanos = interval.toNanos();
        this.durationNanos = duration.toNanos();
        this.capacity = (int) Math.min(1_000_000, durationNanos / intervalNanos + 1);
        this.stop = stop;
    }

    /** How many samples the schedule can take at most: the size for the sample arrays. */
    int capacity() {
        return capacity;
    }

    /**
     * Waits for the next tick. False when the schedule is over; {@link #note()} then says so if
     * {@code stop} ended it early.
     */
    boolean next() {
        if (ticking) { // the previous tick's sample was taken
            previous = now;
            count++;
            ticking = false;
        }
        long next = start + (count + 1) * intervalNanos;
        if (count >= capacity - 1 || next - start > durationNanos) {
            return false;
        }
        long left;
        while ((left = next - System.nanoTime()) > 0 && !stop.getAsBoolean()) {
            LockSupport.parkNanos(Math.min(left, 50_000_000L)); // short slices: a stop is noticed within ~50 ms
        }
        if (stop.getAsBoolean()) {
            note = "Sampling was stopped after " + elapsedMillis(System.nanoTime()) + " ms.";
            return false;
        }
        now = System.nanoTime();
        ticking = true;
        return true;
    }

    /**
     * The index of the current tick's sample: 0, 1, 2, ...; once the loop has ended, the number of
     * samples taken (a tick left by {@link #end} or a {@code break} does not count).
     */
    int index() {
        return count;
    }

    /** Whether this is the schedule's last tick. */
    boolean isLast() {
        return (count + 2) * intervalNanos > durationNanos || count + 2 >= capacity;
    }

    /** Milliseconds from the start to this tick. */
    long offsetMillis() {
        return elapsedMillis(now);
    }

    /** Seconds since the previous tick (or the start), never zero. */
    double secondsSincePrevious() {
        return Math.max(1e-6, (now - previous) / 1e9);
    }

    /** Ends the schedule early at this tick, which is not counted, with the reason for the samples' note. */
    void end(String why) {
        note = why;
        ticking = false;
    }

    String note() {
        return note;
    }

    private long elapsedMillis(long at) {
        return (at - start) / 1_000_000;
    }
}
