package io.perfplan.core.load;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a load test does: which requests, under which model, for how long, what counts as an error,
 * and which live thresholds may stop it.
 *
 * @param requests       one or more templates, mixed by weight; all must share scheme, host and port
 * @param model          open (schedule) or closed (connections back to back); it also gives the duration
 * @param warmup         run before the measured part at the start rate, not recorded ({@code ZERO} for none)
 * @param maxRequests    stop after this many measured requests ({@code 0}: no limit)
 * @param timeout        per request, from the actual send (also the connect timeout and the longest
 *                       a request may wait for a free connection before it is dropped)
 * @param checks         conditions on responses; a failed check counts as an error of the check's kind
 * @param thresholds     conditions that must hold, evaluated every second on the last {@code thresholdWindow}
 *                       and on the whole run at the end
 * @param abortOnFail    stop the test when a threshold fails during the run (results are kept)
 * @param delayAbortEval do not abort before this much of the measured part has run
 * @param thresholdWindow the sliding window live thresholds look at
 * @param insecureTls    trust any server certificate (self-signed test targets)
 * @param eventLoops     event-loop threads; 0 picks min(available processors, connections)
 * @param trace          W3C traceparent headers on a sampled share of requests ({@link TraceSampling#NONE}: none)
 */
public record LoadTest(List<RequestTemplate> requests, LoadModel model, Duration warmup, long maxRequests,
                       Duration timeout, List<ResponseCheck> checks, List<MetricCondition> thresholds,
                       boolean abortOnFail, Duration delayAbortEval, Duration thresholdWindow,
                       boolean insecureTls, int eventLoops, TraceSampling trace) {

    /** A test without traceparent headers. */
    public LoadTest(List<RequestTemplate> requests, LoadModel model, Duration warmup, long maxRequests,
                    Duration timeout, List<ResponseCheck> checks, List<MetricCondition> thresholds,
                    boolean abortOnFail, Duration delayAbortEval, Duration thresholdWindow,
                    boolean insecureTls, int eventLoops) {
        this(requests, model, warmup, maxRequests, timeout, checks, thresholds, abortOnFail, delayAbortEval, thresholdWindow,
                insecureTls, eventLoops, TraceSampling.NONE);
    }

    public LoadTest {
        trace = trace == null ? TraceSampling.NONE : trace;
        requests = List.copyOf(requests);
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("a load test needs at least one request (url)");
        }
        RequestTemplate first = requests.get(0);
        for (RequestTemplate r : requests) {
            if (!r.url().getScheme().equalsIgnoreCase(first.url().getScheme())
                    || !r.url().getHost().equalsIgnoreCase(first.url().getHost()) || r.port() != first.port()) {
                throw new IllegalArgumentException("all requests of one load test must go to the same scheme://host:port; '"
                        + r.url() + "' differs from '" + first.url() + "' (use one step per target)");
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("a load test needs a model: rate, stages or connections");
        }
        warmup = warmup == null ? Duration.ZERO : warmup;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, e.g. 5s");
        }
        if (maxRequests < 0) {
            throw new IllegalArgumentException("max_requests must be 0 (no limit) or more");
        }
        checks = checks == null ? List.of() : List.copyOf(checks);
        thresholds = thresholds == null ? List.of() : List.copyOf(thresholds);
        delayAbortEval = delayAbortEval == null ? Duration.ZERO : delayAbortEval;
        thresholdWindow = thresholdWindow == null ? Duration.ofSeconds(10) : thresholdWindow;
        if (thresholdWindow.toMillis() < 1000) {
            throw new IllegalArgumentException("threshold window must be at least 1s");
        }
        if (eventLoops < 0) {
            throw new IllegalArgumentException("event loops must be 0 (automatic) or more");
        }
    }

    /** A test with defaults: no warm-up, no limit, 10 s timeout, no checks or thresholds. */
    public static LoadTest of(LoadModel model, RequestTemplate... requests) {
        return new LoadTest(List.of(requests), model, null, 0, null, null, null, false, null, null, false, 0);
    }

    public LoadTest withWarmup(Duration d) {
        return new LoadTest(requests, model, d, maxRequests, timeout, checks, thresholds, abortOnFail, delayAbortEval, thresholdWindow, insecureTls, eventLoops, trace);
    }

    public LoadTest withMaxRequests(long n) {
        return new LoadTest(requests, model, warmup, n, timeout, checks, thresholds, abortOnFail, delayAbortEval, thresholdWindow, insecureTls, eventLoops, trace);
    }

    public LoadTest withTimeout(Duration d) {
        return new LoadTest(requests, model, warmup, maxRequests, d, checks, thresholds, abortOnFail, delayAbortEval, thresholdWindow, insecureTls, eventLoops, trace);
    }

    public LoadTest withChecks(List<ResponseCheck> c) {
        return new LoadTest(requests, model, warmup, maxRequests, timeout, c, thresholds, abortOnFail, delayAbortEval, thresholdWindow, insecureTls, eventLoops, trace);
    }

    public LoadTest withThresholds(List<MetricCondition> t, boolean abort, Duration delay, Duration window) {
        return new LoadTest(requests, model, warmup, maxRequests, timeout, checks, t, abort, delay, window, insecureTls, eventLoops, trace);
    }

    public LoadTest withModel(LoadModel m) {
        return new LoadTest(requests, m, warmup, maxRequests, timeout, checks, thresholds, abortOnFail, delayAbortEval, thresholdWindow, insecureTls, eventLoops, trace);
    }

    public LoadTest withInsecureTls(boolean insecure) {
        return new LoadTest(requests, model, warmup, maxRequests, timeout, checks, thresholds, abortOnFail, delayAbortEval, thresholdWindow, insecure, eventLoops, trace);
    }

    public LoadTest withEventLoops(int n) {
        return new LoadTest(requests, model, warmup, maxRequests, timeout, checks, thresholds, abortOnFail, delayAbortEval, thresholdWindow, insecureTls, n, trace);
    }

    public LoadTest withTrace(TraceSampling t) {
        return new LoadTest(requests, model, warmup, maxRequests, timeout, checks, thresholds, abortOnFail, delayAbortEval, thresholdWindow, insecureTls, eventLoops, t);
    }

    /**
     * Live hooks of one run: a progress callback (once per second, on the runner's thread), a
     * cancellation poll, and a listener that hears each {@link Phase} start and end.
     */
    public record Hooks(Consumer<Progress> progress, BooleanSupplier cancelled, Phase.Listener phases) {
        public static final Hooks NONE = new Hooks(p -> { }, () -> false, Phase.Listener.NONE);

        public Hooks {
            progress = progress == null ? p -> { } : progress;
            cancelled = cancelled == null ? () -> false : cancelled;
            phases = phases == null ? Phase.Listener.NONE : phases;
        }

        public Hooks(Consumer<Progress> progress, BooleanSupplier cancelled) {
            this(progress, cancelled, Phase.Listener.NONE);
        }
    }
}
