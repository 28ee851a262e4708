package io.perfplan.core.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.util.concurrent.Callable;

import org.HdrHistogram.Histogram;

/**
 * Runs load tests on a group of Netty event loops (epoll on Linux, NIO elsewhere). Each loop runs a
 * {@link LoopWorker} with its share of the load and records into its own {@link LoadStats}; once a
 * second this runner collects and merges them, which gives the time series, the live thresholds'
 * sliding window and the progress callback. A runner can run several tests one after the other
 * (stress mode does); close it to stop its threads.
 */
public final class LoadRunner implements AutoCloseable {

    private static final long SECOND = 1_000_000_000L;
    private static final long START_DELAY_NANOS = 20_000_000L;
    private static final int PRECONNECT_MAX = 8;

    private final Transport transport = Transport.best();
    private final EventLoopGroup group;
    private final List<EventLoop> loops = new ArrayList<>();

    /** A runner with {@code threads} event loops; 0 means one per available processor. */
    public LoadRunner(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        group = transport.newGroup(n, "perfplan-load");
        for (int i = 0; i < n; i++) {
            loops.add(group.next());
        }
    }

    /** Runs one test on a runner of its own. */
    public static LoadResult run(LoadTest test, LoadTest.Hooks hooks) throws InterruptedException {
        try (LoadRunner runner = new LoadRunner(test.eventLoops())) {
            return runner.execute(test, hooks);
        }
    }

    /** {@code epoll} or {@code nio}. */
    public String transport() {
        return transport.label();
    }

    /**
     * Runs the test and returns what it measured; blocks for the duration (warm-up included) plus the
     * drain of requests still queued or in flight, which is bounded by twice the request timeout. A target that refuses
     * or never answers gives a result full of errors, not an exception. Throws
     * {@link IllegalArgumentException} when the host cannot be resolved or TLS cannot be set up.
     */
    public LoadResult execute(LoadTest test, LoadTest.Hooks hooks) throws InterruptedException {
        RequestTemplate first = test.requests().get(0);
        InetSocketAddress address = resolve(first);
        SslContext ssl = first.https() ? sslContext(test.insecureTls()) : null;

        int slots = test.model() instanceof LoadModel.Closed c ? c.connections() : ((LoadModel.Open) test.model()).maxConnections();
        int lanes = Math.min(loops.size(), slots);
        if (test.eventLoops() > 0) {
            lanes = Math.min(lanes, test.eventLoops());
        }
        if (test.maxRequests() > 0) {
            lanes = (int) Math.min(lanes, test.maxRequests());
        }
        long warmupNanos = test.warmup().toNanos();
        long durationNanos = test.model().duration().toNanos();
        ArrivalSchedule schedule = test.model() instanceof LoadModel.Open o ? ArrivalSchedule.of(o, warmupNanos) : null;
        LoopWorker.RunContext ctx = new LoopWorker.RunContext(test, address, ssl, transport, schedule, lanes);

        List<LoopWorker> workers = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            int share = slots / lanes + (i < slots % lanes ? 1 : 0);
            long quota = test.maxRequests() == 0 ? Long.MAX_VALUE
                    : test.maxRequests() / lanes + (i < test.maxRequests() % lanes ? 1 : 0);
            LoopWorker w = new LoopWorker(ctx, loops.get(i), i, lanes, share, quota);
            workers.add(w);
        }
        if (schedule != null) {
            // open model: connect a few connections first, so the schedule's first requests are not late
            int each = (int) Math.min(PRECONNECT_MAX, Math.max(1, Math.ceil(schedule.rateAt(0) / 1000.0)));
            List<Integer> counts = new ArrayList<>();
            int sum = 0;
            for (int i = 0; i < lanes; i++) {
                int share = slots / lanes + (i < slots % lanes ? 1 : 0);
                counts.add(Math.min(each, share));
                sum += counts.get(i);
            }
            java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(sum);
            for (int i = 0; i < lanes; i++) {
                LoopWorker w = workers.get(i);
                int n = counts.get(i);
                w.loop.execute(() -> w.preconnect(n, connected));
            }
            connected.await(Math.min(test.timeout().toMillis(), 2000), TimeUnit.MILLISECONDS);
        }
        long start = System.nanoTime() + START_DELAY_NANOS;
        ctx.startAt(start);
        long measureStart = ctx.measureStartNanos;
        long end = measureStart + durationNanos;
        for (LoopWorker w : workers) {
            w.loop.schedule(w::start, Math.max(0, start - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        Timeline phases = new Timeline(test, hooks.phases(), start, measureStart);
        Recording rec = new Recording(test, workers, measureStart, phases);
        String abortReason = null;
        long stop = end;
        try {
            phases.begin();
            long tick = Math.min(start + SECOND, measureStart);
            while (true) {
                boolean allDone = ctx.finished.await(Math.max(0, tick - System.nanoTime()), TimeUnit.NANOSECONDS);
                long now = System.nanoTime();
                if (allDone) {
                    // an open schedule that ran out counts its whole length; a request limit stops the clock now
                    stop = schedule != null && test.maxRequests() == 0 ? end : Math.min(now, end);
                    break;
                }
                if (hooks.cancelled().getAsBoolean()) {
                    abortReason = "cancelled";
                    stop = now;
                    break;
                }
                if (now < tick) {
                    continue;
                }
                boolean measuring = tick > measureStart;
                if (measuring) {
                    rec.collect(tick);
                }
                phases.advance(tick);
                long elapsed = tick - start;
                if (elapsed > 0) {
                    hooks.progress().accept(new Progress(Duration.ofNanos(elapsed), Duration.ofNanos(end - start), !measuring,
                            rec.lastRate(), rec.lastP99Millis(), rec.total.requests(), rec.total.errors()));
                }
                if (measuring && test.abortOnFail() && tick - measureStart >= test.delayAbortEval().toNanos()) {
                    abortReason = rec.failedThreshold();
                    if (abortReason != null) {
                        stop = tick;
                        break;
                    }
                }
                if (tick >= end) {
                    stop = end;
                    break;
                }
                // ticks fall on phase boundaries too, so each stage's requests are told apart exactly
                tick = tick < measureStart ? Math.min(tick + SECOND, measureStart) : Math.min(tick + SECOND, phases.nextBoundary());
            }
            boolean discard = abortReason != null;
            for (LoopWorker w : workers) {
                w.loop.execute(() -> w.stop(discard));
            }
            // the drain: a queued request is sent or dropped within one timeout, a sent one answered or
            // given up within another (the workers' sweep enforces both)
            ctx.finished.await(2 * test.timeout().toNanos() + SECOND, TimeUnit.NANOSECONDS);
            rec.collect(stop); // the last, partial second and whatever ended during the drain
            double sentPerSecond = rec.sentPerSecond();
            rec.total.elapsedNanos(Math.max(0, stop - measureStart));
            List<LoadResult.ThresholdOutcome> outcomes = new ArrayList<>();
            for (MetricCondition t : test.thresholds()) {
                outcomes.add(new LoadResult.ThresholdOutcome(t.toString(), t.test(rec.total), t.describe(rec.total)));
            }
            phases.finish(stop);
            return new LoadResult(rec.total, rec.seconds, outcomes, abortReason != null, abortReason, transport.label(), sentPerSecond);
        } finally {
            phases.finish(Math.min(stop, System.nanoTime())); // after an exception: the phase that was running ends here
            for (LoopWorker w : workers) {
                call(w, () -> {
                    w.closeAll();
                    return null;
                });
            }
        }
    }

    private static InetSocketAddress resolve(RequestTemplate r) {
        try {
            return new InetSocketAddress(InetAddress.getByName(r.url().getHost()), r.port());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve host '" + r.url().getHost() + "' of " + r.url() + "; check the url");
        }
    }

    private static SslContext sslContext(boolean insecure) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
            if (insecure) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    static <T> T call(LoopWorker w, Callable<T> task) throws InterruptedException {
        Future<T> f = w.loop.submit(task::call);
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("load worker failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("load worker did not answer within 10s", e);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Per-second collection: the run's totals, the time series and the sliding window. */
    private static final class Recording {
        final LoadTest test;
        final List<LoopWorker> workers;
        final LoadStats total = new LoadStats();
        final List<LoadResult.Second> seconds = new ArrayList<>();
        final LoadStats[] spares;
        final LoadStats interval = new LoadStats();
        final LoadStats[] window;
        final LoadStats windowSum = new LoadStats();
        int windowNext;
        int windowFilled;
        final long measureStart;
        long lastTick;
        double lastRate;
        double lastP99Millis;

        final Timeline phases;

        Recording(LoadTest test, List<LoopWorker> workers, long measureStart, Timeline phases) {
            this.test = test;
            this.phases = phases;
            this.measureStart = measureStart;
            this.lastTick = measureStart;
            this.workers = workers;
            spares = new LoadStats[workers.size()];
            for (int i = 0; i < spares.length; i++) {
                spares[i] = new LoadStats();
            }
            window = new LoadStats[test.thresholds().isEmpty() ? 0 : (int) test.thresholdWindow().toSeconds()];
            for (int i = 0; i < window.length; i++) {
                window[i] = new LoadStats();
            }
        }

        /**
         * Takes every worker's stats since the last collection. Workers record only measured requests,
         * so nothing is collected during the warm-up and the first second also holds measured
         * requests that ended before the first tick.
         */
        void collect(long tick) throws InterruptedException {
            interval.reset();
            for (int i = 0; i < workers.size(); i++) {
                LoopWorker w = workers.get(i);
                LoadStats fresh = spares[i];
                LoadStats taken = call(w, () -> w.swapStats(fresh));
                interval.add(taken);
                taken.reset();
                spares[i] = taken;
            }
            long span = Math.max(0, tick - lastTick);
            lastTick = Math.max(lastTick, tick);
            interval.elapsedNanos(span);
            total.add(interval);
            phases.measured.add(interval);
            if (span == 0) {
                return; // the drain after the last second: counted, but not a second of its own
            }
            Histogram h = interval.latencyMicros();
            lastRate = interval.throughputPerSecond();
            lastP99Millis = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1000.0;
            seconds.add(new LoadResult.Second((tick - measureStart) / 1e9, interval.requests(), interval.errors(),
                    lastRate, h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50) / 1000.0, lastP99Millis));
            if (window.length > 0) {
                LoadStats slot = window[windowNext];
                slot.reset();
                slot.add(interval);
                slot.elapsedNanos(span);
                windowNext = (windowNext + 1) % window.length;
                windowFilled = Math.min(window.length, windowFilled + 1);
            }
        }

        double lastRate() {
            return lastRate;
        }

        double lastP99Millis() {
            return lastP99Millis;
        }

        /** The first threshold failing on the sliding window, as a sentence, or null. */
        String failedThreshold() {
            if (window.length == 0) {
                return null;
            }
            windowSum.reset();
            long span = 0;
            for (int i = 0; i < windowFilled; i++) {
                LoadStats s = window[(windowNext - 1 - i + window.length) % window.length];
                windowSum.add(s);
                span += s.elapsed().toNanos();
            }
            windowSum.elapsedNanos(span);
            for (MetricCondition t : test.thresholds()) {
                if (!t.test(windowSum)) {
                    return "threshold '" + t + "' failed over the last " + Math.round(span / 1e9) + "s ("
                            + t.describe(windowSum) + ")";
                }
            }
            return null;
        }

        double sentPerSecond() throws InterruptedException {
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long sends = 0;
            for (LoopWorker w : workers) {
                long[] v = call(w, () -> new long[] {w.firstSendNanos, w.lastSendNanos, w.measuredSends});
                if (v[2] > 0) {
                    first = Math.min(first, v[0]);
                    last = Math.max(last, v[1]);
                    sends += v[2];
                }
            }
            // from the start of the measured part (not the first send, which may be late and then catch up)
            return sends < 2 || last <= measureStart ? 0 : (sends - 1) * 1e9 / (last - measureStart);
        }
    }

    /**
     * The phases of one run (warm-up, stages or the measured part) against the clock: tells the
     * listener when each starts and ends, with the requests that ended in it.
     */
    private static final class Timeline {
        final Phase.Listener listener;
        final Phase warmup;
        final List<Phase> phases;
        /** Absolute end of each measured phase, in nanoTime. */
        final long[] ends;
        final long start;
        final long measureStart;
        LoadStats measured = new LoadStats();
        Phase current;
        long currentStart;
        int index = -1;

        Timeline(LoadTest test, Phase.Listener listener, long start, long measureStart) {
            this.listener = listener;
            this.start = start;
            this.measureStart = measureStart;
            this.warmup = test.warmup().isZero() ? null : Phase.warmup(test.model(), test.warmup());
            this.phases = Phase.measured(test.model());
            this.ends = new long[phases.size()];
            long at = measureStart;
            for (int i = 0; i < ends.length; i++) {
                at += phases.get(i).planned().toNanos();
                ends[i] = at;
            }
            ends[ends.length - 1] = measureStart + test.model().duration().toNanos(); // exactly the runner's end
        }

        void begin() {
            if (warmup != null) {
                current = warmup;
                currentStart = start;
                listener.started(current);
            } else {
                next();
            }
        }

        /** Where the running phase ends (the warm-up's end, or the running stage's). */
        long nextBoundary() {
            return index < 0 ? measureStart : ends[index];
        }

        /** Ends every phase whose end {@code tick} reached and starts the next; the last one waits for {@link #finish}. */
        void advance(long tick) {
            while (current != null && index < phases.size() - 1 && tick - nextBoundary() >= 0) {
                long boundary = nextBoundary();
                end(boundary);
                next();
                currentStart = boundary;
            }
        }

        /** Ends the running phase at {@code stop}, once; later calls do nothing. */
        void finish(long stop) {
            if (current == null) {
                return;
            }
            advance(stop);
            end(Math.max(stop, currentStart));
            current = null;
        }

        private void next() {
            index++;
            current = phases.get(index);
            currentStart = measureStart;
            listener.started(current);
        }

        private void end(long at) {
            LoadStats stats = current.kind() == Phase.Kind.WARMUP ? new LoadStats() : measured;
            stats.elapsedNanos(at - currentStart);
            listener.ended(current, stats);
            if (current.kind() != Phase.Kind.WARMUP && index < phases.size() - 1) {
                measured = new LoadStats(); // the next stage's
            }
        }
    }
}
