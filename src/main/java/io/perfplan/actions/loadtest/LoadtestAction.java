package io.perfplan.actions.loadtest;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.HdrHistogram.Histogram;

import io.perfplan.core.load.ErrorKind;
import io.perfplan.core.load.LoadModel;
import io.perfplan.core.load.LoadResult;
import io.perfplan.core.load.LoadRunner;
import io.perfplan.core.load.LoadStats;
import io.perfplan.core.load.LoadTest;
import io.perfplan.core.load.MetricCondition;
import io.perfplan.core.load.Progress;
import io.perfplan.core.load.RateStage;
import io.perfplan.core.load.RequestTemplate;
import io.perfplan.core.load.ResponseCheck;
import io.perfplan.core.load.StressSearch;
import io.perfplan.core.load.StressTest;
import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.Direction;
import io.perfplan.engine.MetricSpec;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;
import io.perfplan.plan.Quantities;

/**
 * The {@code loadtest} action: maps its inputs to an {@link io.perfplan.core.load} test, runs it and
 * publishes what it measured. The step fails when a threshold fails, when a live threshold aborted
 * the test, or when no request succeeded at all (e.g. the target is down); the metrics are published
 * in every case.
 */
public final class LoadtestAction implements Action<LoadtestInputs> {

    /** Default open-model connection cap. */
    static final int DEFAULT_MAX_CONNECTIONS = 256;
    static final String DEFAULT_UNTIL = "latency.p99 > 200ms or error_rate > 1%";

    private static final String EXAMPLE = """
            - id: load
              action: loadtest
              with:
                url: http://127.0.0.1:8080/api/items
                rate: 2000              # requests per second (open model)
                duration: 60s
                warmup: 10s
                checks: {status: [2xx], body_contains: "version"}
                thresholds: ["latency.p99 < 250ms", "error_rate < 0.5%"]
                abort_on_fail: true
                delay_abort_eval: 10s
            - id: capacity
              action: loadtest
              with:
                url: http://127.0.0.1:8080/api/items
                stress: {start: 500, step: 250, step_duration: 10s, max: 10000,
                         until: "latency.p99 > 200ms or error_rate > 1%"}
            """;

    private static final ActionSpec<LoadtestInputs> SPEC = new ActionSpec<>("loadtest",
            "HTTP/1.1 keep-alive load (HTTPS too): an open model (rate or stages; latency runs from each request's "
                    + "intended send time, so a stalled server shows up in full rather than as fewer requests), a closed "
                    + "model (connections back to back), or stress mode that steps the rate up until a condition holds and "
                    + "reports the capacity. Failures are counted by kind (errors.refused, errors.timeout, errors.status, ...); "
                    + "open-model requests that find no free connection within the timeout are counted as dropped; requests "
                    + "still in flight at the end are waited for (at most twice the timeout) and recorded. The step fails "
                    + "when a threshold fails over the whole run, when a live threshold aborted it, or when no request succeeded.",
            LoadtestInputs.class,
            List.of(new ActionSpec.OutputSpec("summary", "one line: requests, throughput, p99, errors"),
                    new ActionSpec.OutputSpec("capacity", "stress mode: highest rate that held, requests per second"),
                    new ActionSpec.OutputSpec("break_rate", "stress mode: rate at which the until condition held (0 if never)"),
                    new ActionSpec.OutputSpec("aborted", "true when a live threshold stopped the test early"),
                    new ActionSpec.OutputSpec("trace_id", "with trace_sample: the trace id sent in traceparent headers")),
            metricSpecs(), EXAMPLE);

    private static List<MetricSpec> metricSpecs() {
        List<MetricSpec> m = new ArrayList<>();
        m.add(new MetricSpec("requests", Unit.COUNT, Direction.NEUTRAL, "requests that ended (response or transport error), warm-up excluded"));
        m.add(new MetricSpec("throughput", Unit.PER_SECOND, Direction.HIGHER_IS_BETTER, "requests per second over the measured time"));
        m.add(new MetricSpec("error_rate", Unit.PERCENT, Direction.LOWER_IS_BETTER, "errors over requests"));
        m.add(new MetricSpec("errors.*", Unit.COUNT, Direction.LOWER_IS_BETTER,
                "errors by kind: refused, connect, timeout, reset, closed, tls, protocol, status, body_contains, body_regex, header, other"));
        for (String s : List.of("min", "mean", "p50", "p90", "p95", "p99", "p999", "max")) {
            m.add(new MetricSpec("latency." + s, Unit.MILLISECONDS, Direction.LOWER_IS_BETTER,
                    "latency " + s + ", from the intended send time (open model) to the end of the response"));
        }
        m.add(new MetricSpec("service_time.p99", Unit.MILLISECONDS, Direction.LOWER_IS_BETTER, "p99 from the actual send to the end of the response"));
        m.add(new MetricSpec("send_lag.p99", Unit.MILLISECONDS, Direction.LOWER_IS_BETTER, "open model: p99 of actual minus intended send time"));
        m.add(new MetricSpec("dropped", Unit.COUNT, Direction.LOWER_IS_BETTER, "open model: requests never sent because no connection was free within the timeout"));
        m.add(new MetricSpec("bytes.in", Unit.BYTES, Direction.NEUTRAL, "bytes received on the wire"));
        m.add(new MetricSpec("bytes.out", Unit.BYTES, Direction.NEUTRAL, "bytes sent on the wire"));
        m.add(new MetricSpec("capacity", Unit.PER_SECOND, Direction.HIGHER_IS_BETTER, "stress mode: highest rate whose step did not meet the until condition"));
        m.add(new MetricSpec("break_rate", Unit.PER_SECOND, Direction.HIGHER_IS_BETTER, "stress mode: rate at which the until condition first held"));
        return m;
    }

    @Override
    public ActionSpec<LoadtestInputs> spec() {
        return SPEC;
    }

    @Override
    public Optional<String> describe(LoadtestInputs in) {
        LoadTest test = toLoadTest(in);
        String target = test.requests().get(0).url().toString() + (test.requests().size() > 1 ? " (+" + (test.requests().size() - 1) + " more)" : "");
        String model;
        if (in.stress() != null) {
            StressTest s = toStress(in);
            model = String.format(Locale.ROOT, "stress from %.0f to %.0f req/s in steps of %.0f every %s until %s",
                    s.startRate(), s.maxRate(), s.stepRate(), Quantities.format(s.stepDuration()), s.until());
        } else if (test.model() instanceof LoadModel.Open o) {
            model = o.stages().size() == 1 && o.startRatePerSecond() == o.stages().get(0).ratePerSecond()
                    ? String.format(Locale.ROOT, "%.0f req/s for %s", o.stages().get(0).ratePerSecond(), Quantities.format(o.duration()))
                    : o.stages().size() + " stages over " + Quantities.format(o.duration());
        } else {
            LoadModel.Closed c = (LoadModel.Closed) test.model();
            model = c.connections() + " connections back to back for " + Quantities.format(c.duration());
        }
        return Optional.of("load " + target + ": " + model
                + (test.warmup().isZero() ? "" : " after a " + Quantities.format(test.warmup()) + " warm-up")
                + (test.thresholds().isEmpty() ? "" : "; thresholds " + test.thresholds()));
    }

    @Override
    public Outcome execute(LoadtestInputs in, StepContext ctx) throws Exception {
        LoadTest test = toLoadTest(in);
        if (in.traceSample().fraction() > 0) {
            String traceId = ctx.traceId().orElseGet(io.perfplan.core.load.TraceSampling::randomTraceId);
            test = test.withTrace(new io.perfplan.core.load.TraceSampling(traceId, in.traceSample().fraction()));
            ctx.output("trace_id", traceId);
            ctx.log("traceparent on " + in.traceSample() + " of requests, trace id " + traceId);
        }
        try (var span = ctx.span(in.stress() != null ? "loadtest.stress" : "loadtest.run")) {
            span.attribute("perfplan.loadtest.target", ctx.mask(test.requests().get(0).url().toString()));
            PhaseSpans phases = new PhaseSpans(span, in.stress() != null);
            try {
                return run(in, test, ctx, phases);
            } finally {
                phases.close();
            }
        }
    }

    private Outcome run(LoadtestInputs in, LoadTest test, StepContext ctx, PhaseSpans phases) throws Exception {
        String target = test.requests().get(0).url().getScheme() + "://" + test.requests().get(0).url().getAuthority();
        boolean terminal = System.console() != null;
        Consumer<Progress> progress = terminal ? p -> ctx.log(p.line()) : p -> { };
        LoadTest.Hooks hooks = new LoadTest.Hooks(progress, ctx::cancelled, phases);

        if (in.stress() != null) {
            StressTest stress = toStress(in);
            StressSearch.StressResult r = StressSearch.run(test, stress, hooks, step -> {
                phases.judged(step.broke());
                ctx.log(String.format(Locale.ROOT,
                    "stress %.0f req/s: throughput %.0f/s, p99 %s, errors %.2f%%, send lag p99 %s -> %s", step.rate(),
                    step.result().total().throughputPerSecond(), p99Text(step.result().total()),
                    step.result().total().errorRatePercent(),
                    step.result().total().value("send_lag.p99").stream().mapToObj(v -> String.format(Locale.ROOT, "%.1fms", v)).findFirst().orElse("-"),
                    step.broke() ? "broke" : "held"));
            });
            if (r.steps().isEmpty()) {
                return Outcome.fail("stress mode was cancelled before its first step");
            }
            StressSearch.Step reported = r.steps().get(0);
            for (StressSearch.Step s : r.steps()) {
                if (!s.broke()) {
                    reported = s;
                }
            }
            publish(reported.result(), ctx, test.model() instanceof LoadModel.Open);
            ctx.metric("capacity", r.capacity(), Unit.PER_SECOND, Direction.HIGHER_IS_BETTER);
            ctx.metric("break_rate", r.breakRate(), Unit.PER_SECOND, Direction.HIGHER_IS_BETTER);
            ctx.samples("stress.rate", r.steps().stream().mapToDouble(StressSearch.Step::rate).toArray(), Unit.PER_SECOND);
            ctx.samples("stress.throughput", r.steps().stream().mapToDouble(s -> s.result().total().throughputPerSecond()).toArray(), Unit.PER_SECOND);
            ctx.samples("stress.latency.p99", r.steps().stream().mapToDouble(s -> s.result().total().value("latency.p99").orElse(0)).toArray(), Unit.MILLISECONDS);
            ctx.samples("stress.error_rate", r.steps().stream().mapToDouble(s -> s.result().total().errorRatePercent()).toArray(), Unit.PERCENT);
            ctx.output("capacity", r.capacity());
            ctx.output("break_rate", r.breakRate());
            ctx.output("aborted", false);
            String summary = r.breakRate() > 0
                    ? String.format(Locale.ROOT, "capacity %.0f req/s; broke at %.0f req/s (%s)", r.capacity(), r.breakRate(), stress.until())
                    : String.format(Locale.ROOT, "capacity at least %.0f req/s (max reached without meeting %s)", r.capacity(), stress.until());
            ctx.output("summary", summary);
            if (ctx.cancelled()) {
                return Outcome.fail("cancelled during stress mode; " + summary);
            }
            return Outcome.pass(summary);
        }

        LoadResult r = LoadRunner.run(test, hooks);
        publish(r, ctx, test.model() instanceof LoadModel.Open);
        String summary = summary(r);
        ctx.output("summary", summary);
        ctx.output("aborted", r.aborted());
        Optional<String> diagnosis = r.diagnosis(target);
        if (diagnosis.isPresent()) {
            return Outcome.fail(diagnosis.get());
        }
        if (r.aborted()) {
            return Outcome.fail("aborted after " + Quantities.format(r.elapsed()) + ": " + r.abortReason());
        }
        List<String> failed = r.thresholds().stream().filter(t -> !t.passed())
                .map(t -> "'" + t.condition() + "' (" + t.observed() + ")").toList();
        if (!failed.isEmpty()) {
            return Outcome.fail("threshold" + (failed.size() > 1 ? "s " : " ") + String.join(", ", failed) + " failed; " + summary);
        }
        return Outcome.pass(summary);
    }

    private static String p99Text(LoadStats s) {
        return s.value("latency.p99").stream().mapToObj(v -> String.format(Locale.ROOT, "%.1fms", v)).findFirst().orElse("-");
    }

    private static String summary(LoadResult r) {
        LoadStats t = r.total();
        return String.format(Locale.ROOT, "%d requests, %.0f req/s, p99 %s, errors %.2f%%%s", t.requests(), t.throughputPerSecond(),
                p99Text(t), t.errorRatePercent(), t.dropped() > 0 ? ", " + t.dropped() + " dropped" : "");
    }

    private static void publish(LoadResult r, StepContext ctx, boolean open) {
        LoadStats t = r.total();
        ctx.metric("requests", t.requests(), Unit.COUNT, Direction.NEUTRAL);
        ctx.metric("throughput", t.throughputPerSecond(), Unit.PER_SECOND, Direction.HIGHER_IS_BETTER);
        ctx.metric("error_rate", t.errorRatePercent(), Unit.PERCENT, Direction.LOWER_IS_BETTER);
        for (ErrorKind k : ErrorKind.values()) {
            ctx.metric("errors." + k.metricName(), t.errors(k), Unit.COUNT, Direction.LOWER_IS_BETTER);
        }
        for (String s : List.of("min", "mean", "p50", "p90", "p95", "p99", "p999", "max")) {
            t.value("latency." + s).ifPresent(v -> ctx.metric("latency." + s, v, Unit.MILLISECONDS, Direction.LOWER_IS_BETTER));
        }
        t.value("service_time.p99").ifPresent(v -> ctx.metric("service_time.p99", v, Unit.MILLISECONDS, Direction.LOWER_IS_BETTER));
        if (open) {
            t.value("send_lag.p99").ifPresent(v -> ctx.metric("send_lag.p99", v, Unit.MILLISECONDS, Direction.LOWER_IS_BETTER));
        }
        ctx.metric("dropped", t.dropped(), Unit.COUNT, Direction.LOWER_IS_BETTER);
        ctx.metric("bytes.in", t.bytesIn(), Unit.BYTES, Direction.NEUTRAL);
        ctx.metric("bytes.out", t.bytesOut(), Unit.BYTES, Direction.NEUTRAL);
        ctx.samples("throughput", r.seconds().stream().mapToDouble(LoadResult.Second::throughputPerSecond).toArray(), Unit.PER_SECOND);
        ctx.samples("latency.p50", r.seconds().stream().mapToDouble(LoadResult.Second::p50Millis).toArray(), Unit.MILLISECONDS);
        ctx.samples("latency.p99", r.seconds().stream().mapToDouble(LoadResult.Second::p99Millis).toArray(), Unit.MILLISECONDS);
        ctx.samples("errors", r.seconds().stream().mapToDouble(LoadResult.Second::errors).toArray(), Unit.COUNT);
        ctx.histogram("latency", encode(t.latencyMicros()));
        ctx.histogram("service_time", encode(t.serviceTimeMicros()));
    }

    static byte[] encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        byte[] out = new byte[n];
        buf.flip();
        buf.get(out);
        return out;
    }

    /** Maps the inputs to a core load test; throws {@link IllegalArgumentException} with one sentence when they do not fit together. */
    static LoadTest toLoadTest(LoadtestInputs in) {
        List<RequestTemplate> templates = new ArrayList<>();
        if (in.url() != null && !in.requests().isEmpty()) {
            throw new IllegalArgumentException("set either url or requests, not both");
        }
        if (in.url() != null) {
            templates.add(template(null, in.url(), in.method(), in.headers(), in.body(), 1));
        }
        for (LoadtestInputs.RequestInput r : in.requests()) {
            templates.add(template(r.name(), r.url(), r.method(), r.headers(), r.body(), r.weight() == null ? 1 : r.weight()));
        }
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("loadtest needs a url (or a list of requests)");
        }
        LoadModel model = model(in);
        List<ResponseCheck> checks = checks(in.checks());
        List<MetricCondition> thresholds = in.thresholds().stream().map(MetricCondition::parse).toList();
        return new LoadTest(templates, model, in.warmup(), in.maxRequests(), in.timeout(), checks, thresholds,
                in.abortOnFail(), in.delayAbortEval(), in.thresholdWindow(), in.insecure(), 0);
    }

    private static RequestTemplate template(String name, String url, String method, Map<String, String> headers, String body, int weight) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a valid URL: " + e.getReason());
        }
        return new RequestTemplate(name, uri, method, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8), weight);
    }

    private static LoadModel model(LoadtestInputs in) {
        int cap = in.connections() == null ? DEFAULT_MAX_CONNECTIONS : in.connections();
        if (in.stress() != null) {
            if (in.rate() != null || !in.stages().isEmpty()) {
                throw new IllegalArgumentException("stress sets the rate itself; remove rate and stages from this step");
            }
            return LoadModel.Open.constant(in.stress().start(), stressStep(in), cap);
        }
        if (in.rate() != null && !in.stages().isEmpty()) {
            throw new IllegalArgumentException("set either rate or stages, not both");
        }
        if (in.rate() != null) {
            LoadModel.Open o = LoadModel.Open.constant(in.rate(), in.duration(), cap);
            return in.poisson() ? o.withPoisson(in.seed()) : o;
        }
        if (!in.stages().isEmpty()) {
            List<RateStage> stages = in.stages().stream().map(s -> new RateStage(s.duration(), s.rate())).toList();
            return new LoadModel.Open(in.startRate() == null ? 0 : in.startRate(), stages, in.poisson(), in.seed(), cap);
        }
        if (in.connections() != null) {
            return new LoadModel.Closed(in.connections(), in.think(), in.duration());
        }
        throw new IllegalArgumentException("loadtest needs a model: rate (requests/s), stages, connections (closed model) or stress");
    }

    private static java.time.Duration stressStep(LoadtestInputs in) {
        return in.stress().stepDuration() == null ? in.duration() : in.stress().stepDuration();
    }

    private static StressTest toStress(LoadtestInputs in) {
        LoadtestInputs.StressInput s = in.stress();
        return new StressTest(s.start(), s.step(), stressStep(in), s.max(),
                MetricCondition.parse(s.until() == null ? DEFAULT_UNTIL : s.until()));
    }

    private static List<ResponseCheck> checks(LoadtestInputs.ChecksInput c) {
        List<ResponseCheck> checks = new ArrayList<>();
        if (c == null) {
            return checks;
        }
        if (c.status() != null && !c.status().isEmpty()) {
            checks.add(ResponseCheck.Status.parse(c.status()));
        }
        if (c.bodyContains() != null) {
            checks.add(new ResponseCheck.BodyContains(c.bodyContains()));
        }
        if (c.bodyRegex() != null) {
            checks.add(ResponseCheck.BodyRegex.of(c.bodyRegex()));
        }
        if (c.header() != null) {
            c.header().forEach((name, regex) -> checks.add(ResponseCheck.Header.of(name, regex == null || regex.isEmpty() ? null : regex)));
        }
        return checks;
    }
}
