package io.perfplan.actions.observe;

import io.perfplan.core.deploy.AlertChannel;
import io.perfplan.core.deploy.WebhookChannel;
import io.perfplan.core.logs.Alert;
import io.perfplan.core.logs.AlertEvaluator;
import io.perfplan.core.logs.AlertRule;
import io.perfplan.core.logs.LogAggregator;
import io.perfplan.core.logs.LogFollower;
import io.perfplan.core.logs.LogFormat;
import io.perfplan.core.logs.LogSummary;
import io.perfplan.core.logs.PrometheusText;
import io.perfplan.core.sampling.ProcessSampler;
import io.perfplan.core.sampling.ProcessSamples;
import io.perfplan.core.sampling.SystemSamples;
import io.perfplan.core.stats.Threshold;
import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.ActionSpec.OutputSpec;
import io.perfplan.engine.Direction;
import io.perfplan.engine.MetricSpec;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code observe} action: for a window, samples the machine and a process, aggregates log files,
 * scrapes a Prometheus page and evaluates alert rules at every interval, notifying and storing the
 * alerts that fire. The work is in {@code io.perfplan.core.logs} and {@code io.perfplan.core.sampling}.
 */
public final class ObserveAction implements Action<ObserveInputs> {

    private static final Direction LOWER = Direction.LOWER_IS_BETTER;
    private static final Direction NEUTRAL = Direction.NEUTRAL;

    private static final String EXAMPLE = """
            finally:
              - id: watch
                action: observe
                with:
                  window: run                 # logs since the run started
                  duration: 30s               # and 30 s of system/process sampling from now
                  process: "java .*checkout"
                  logs:
                    - {path: logs/checkout.log}             # format detected
                    - {path: "logs/access*.log", format: nginx}
                  metrics_url: http://127.0.0.1:8080/metrics
                  series: [http_requests_total, "jvm_memory_used_bytes{area=\\"heap\\"}"]
                  alerts:
                    - {when: "system.cpu.mean > 90%", for: 10s, severity: critical, notify: [log, webhook]}
                    - {when: "log.errors > 100", notify: log}
                  webhook: http://127.0.0.1:9000/alerts
            """;

    @Override
    public ActionSpec<ObserveInputs> spec() {
        return new ActionSpec<>("observe",
                "Watch a window (duration, or the whole run so far with window: run): machine CPU, memory, load, disk and "
                        + "network rates and a process's CPU/RSS (OSHI, /proc); log files or globs in logback/log4j pattern, "
                        + "JSON-lines or nginx/Apache combined format (detected or named), counting lines per level, errors "
                        + "per minute and the top messages with numbers, hex ids and UUIDs masked, only lines inside the "
                        + "window, plus status classes and request-time percentiles for access logs; a Prometheus metrics "
                        + "page scraped every interval; alert rules ({when, for}) evaluated every interval that notify the "
                        + "log or a webhook and are stored with the run (table alerts).",
                ObserveInputs.class,
                List.of(new OutputSpec("top_errors", "Most frequent ERROR/FATAL message templates: [{message, level, count}]."),
                        new OutputSpec("top_messages", "Most frequent message templates of any level: [{message, level, count}]."),
                        new OutputSpec("alerts", "Alerts that fired: [{rule, severity, message, fired_at}]."),
                        new OutputSpec("levels", "Log lines per level in the window, e.g. {INFO: 120, ERROR: 3}."),
                        new OutputSpec("errors_per_minute", "ERROR/FATAL lines in each minute of the window."),
                        new OutputSpec("files", "The log files read."),
                        new OutputSpec("window", "{from, to}: the window, ISO-8601.")),
                List.of(new MetricSpec("system.cpu.mean", Unit.PERCENT, NEUTRAL, "Mean machine CPU use (100 = all cores busy)."),
                        new MetricSpec("system.cpu.max", Unit.PERCENT, NEUTRAL, "Highest machine CPU use of a sample."),
                        new MetricSpec("system.memory.used.max", Unit.BYTES, NEUTRAL, "Most memory in use."),
                        new MetricSpec("system.load.max", Unit.COUNT, NEUTRAL, "Highest 1-minute load average."),
                        new MetricSpec("system.disk.read_rate", Unit.PER_SECOND, NEUTRAL, "Mean disk bytes read per second."),
                        new MetricSpec("system.disk.write_rate", Unit.PER_SECOND, NEUTRAL, "Mean disk bytes written per second."),
                        new MetricSpec("system.net.rx_rate", Unit.PER_SECOND, NEUTRAL, "Mean network bytes received per second."),
                        new MetricSpec("system.net.tx_rate", Unit.PER_SECOND, NEUTRAL, "Mean network bytes sent per second."),
                        new MetricSpec("process.cpu.mean", Unit.PERCENT, NEUTRAL, "Mean CPU use of the process (100 = one core)."),
                        new MetricSpec("process.cpu.max", Unit.PERCENT, NEUTRAL, "Highest CPU use of the process in a sample."),
                        new MetricSpec("process.rss.max", Unit.BYTES, LOWER, "Largest resident set size of the process."),
                        new MetricSpec("process.threads.max", Unit.COUNT, NEUTRAL, "Most threads of the process."),
                        new MetricSpec("log.lines", Unit.COUNT, NEUTRAL, "Parsed log lines inside the window."),
                        new MetricSpec("log.errors", Unit.COUNT, LOWER, "ERROR and FATAL lines inside the window."),
                        new MetricSpec("log.warnings", Unit.COUNT, LOWER, "WARN lines inside the window."),
                        new MetricSpec("log.error_rate", Unit.PERCENT, LOWER, "ERROR/FATAL lines as a share of the lines in the window."),
                        new MetricSpec("log.errors_per_minute.max", Unit.COUNT, LOWER, "Most ERROR/FATAL lines in one minute of the window."),
                        new MetricSpec("log.status.*", Unit.COUNT, NEUTRAL, "Access logs: lines per status class (2xx, 3xx, 4xx, 5xx)."),
                        new MetricSpec("log.latency.*", Unit.MILLISECONDS, LOWER, "Access logs with a request time: p50, p90, p95, p99, max."),
                        new MetricSpec("prom.*", Unit.COUNT, NEUTRAL, "The last scraped value of each selected series."),
                        new MetricSpec("alerts", Unit.COUNT, LOWER, "Alerts that fired.")),
                EXAMPLE);
    }

    @Override
    public Optional<String> describe(ObserveInputs in) {
        List<String> what = new ArrayList<>();
        if (in.system()) {
            what.add("the system");
        }
        if (in.pid() != null) {
            what.add("process " + in.pid());
        }
        if (in.process() != null) {
            what.add("processes matching '" + in.process() + "'");
        }
        if (!in.logs().isEmpty()) {
            what.add(in.logs().size() + " log source(s)");
        }
        if (in.metricsUrl() != null) {
            what.add(in.metricsUrl());
        }
        return Optional.of(String.format(Locale.ROOT, "would watch %s for %d ms%s with %d alert rule(s)",
                what.isEmpty() ? "nothing" : String.join(", ", what), in.duration().toMillis(),
                in.window() == ObserveInputs.Window.RUN ? " (logs since the run started)" : "", in.alerts().size()));
    }

    @Override
    public Outcome execute(ObserveInputs in, StepContext ctx) throws Exception {
        ZoneId zone;
        try {
            zone = in.timezone() == null ? ZoneId.systemDefault() : ZoneId.of(in.timezone());
        } catch (DateTimeException e) {
            return Outcome.fail("timezone '" + in.timezone() + "' is unknown; use e.g. UTC or Europe/Paris.");
        }
        List<AlertRule> rules = new ArrayList<>();
        for (ObserveInputs.AlertInput a : in.alerts()) {
            Threshold when;
            try {
                when = Threshold.parse(a.when());
            } catch (IllegalArgumentException e) {
                return Outcome.fail("alert '" + a.name() + "': " + e.getMessage());
            }
            rules.add(new AlertRule(a.name(), when, a.holdFor(), a.severity(),
                    a.channels().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList()));
        }
        List<PrometheusText.Sample> selectors = new ArrayList<>();
        for (String s : in.series()) {
            try {
                selectors.add(PrometheusText.selector(s));
            } catch (IllegalArgumentException e) {
                return Outcome.fail(e.getMessage());
            }
        }
        ProcessSampler sampler = new ProcessSampler();
        List<Integer> pids = List.of();
        try {
            if (in.pid() != null) {
                if (ProcessHandle.of(in.pid()).filter(ProcessHandle::isAlive).isEmpty()) {
                    return Outcome.fail("No process with pid " + in.pid() + " is running; check the pid (ps -p " + in.pid() + ").");
                }
                pids = List.of(in.pid().intValue());
            } else if (in.process() != null) {
                pids = sampler.find(in.process());
            } else if (in.service() != null) {
                Optional<Integer> pid = servicePid(in, ctx);
                if (pid.isEmpty()) {
                    return Outcome.fail("service '" + in.service() + "' in environment '" + in.environment() + "' has no running "
                            + "process deployed by perfplan (see `perfplan deployments`); deploy it with strategy process, or use pid.");
                }
                pids = List.of(pid.get());
            }
        } catch (IllegalArgumentException e) {
            return Outcome.fail(e.getMessage());
        }

        Instant stepStart = Instant.now();
        Instant from = in.window() == ObserveInputs.Window.RUN ? ctx.runStarted() : stepStart;
        Instant to = stepStart.plus(in.duration());
        LogAggregator logs = new LogAggregator(from, to.plusMillis(1), in.top());
        List<LogFollower> followers = new ArrayList<>();
        for (ObserveInputs.LogSource s : in.logs()) {
            followers.add(new LogFollower(ctx.workDir(), List.of(s.path()), format(s.format()), zone));
        }
        HttpClient http = in.metricsUrl() == null ? null
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Observation obs = new Observation(ctx, in, rules, selectors, http);

        ExecutorService processThread = pids.isEmpty() ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "perfplan-observe-process");
            t.setDaemon(true);
            return t;
        });
        try (var span = ctx.span("observe.window")) {
            span.attribute("perfplan.window.from", from.toString());
            long ticks = in.duration().isZero() ? 0 : Math.max(1, in.duration().toNanos() / in.interval().toNanos());
            long startNanos = System.nanoTime();
            for (long tick = 0; tick < ticks && !ctx.cancelled(); tick++) {
                Duration slice = Duration.ofNanos(startNanos + (tick + 1) * in.interval().toNanos() - System.nanoTime());
                if (slice.toMillis() < 10) {
                    continue; // behind schedule; the next tick catches up
                }
                List<Integer> alive = pids;
                CompletableFuture<ProcessSamples> proc = processThread == null ? null
                        : CompletableFuture.supplyAsync(() -> sampler.sample(alive, slice, slice, ctx::cancelled), processThread);
                if (in.system()) {
                    obs.system(sampler.sampleSystem(slice, slice, ctx::cancelled));
                } else if (proc == null) {
                    sleep(slice, ctx);
                }
                if (proc != null) {
                    try {
                        obs.process(proc.join());
                    } catch (RuntimeException e) {
                        ctx.log("the process is gone; process sampling stopped (" + rootMessage(e) + ")");
                        pids = List.of();
                    }
                }
                poll(followers, logs, ctx);
                obs.scrape();
                obs.evaluate(logs);
            }
            poll(followers, logs, ctx);
            obs.scrape();
            obs.evaluate(logs);
        } finally {
            if (processThread != null) {
                processThread.shutdownNow();
            }
        }
        if (ctx.cancelled()) {
            return Outcome.fail("Observation was cancelled before the window ended.");
        }
        obs.publish();
        if (!followers.isEmpty()) {
            publishLogs(ctx, logs.summary(), followers);
        }
        ctx.output("window", Map.of("from", from.toString(), "to", to.toString()));
        ctx.metric("alerts", obs.alerts.size(), Unit.COUNT, LOWER);
        ctx.output("alerts", obs.alerts.stream().map(a -> Map.of("rule", a.rule(), "severity", a.severity(),
                "message", a.message(), "fired_at", a.firedAt().toString())).toList());
        if (obs.scrapeError != null) {
            return Outcome.fail(obs.scrapeError);
        }
        if (in.failOnAlert() && !obs.alerts.isEmpty()) {
            return Outcome.fail(obs.alerts.size() + " alert(s) fired, the first: " + obs.alerts.get(0).message());
        }
        return Outcome.pass(obs.alerts.isEmpty() ? null : obs.alerts.size() + " alert(s) fired");
    }

    /** The pid of the service's newest healthy deployment, when that process still runs. */
    private static Optional<Integer> servicePid(ObserveInputs in, StepContext ctx) {
        return ctx.deployments().list(in.service(), in.environment(), 10).stream()
                .filter(d -> d.state() == io.perfplan.engine.Deployments.State.HEALTHY)
                .map(d -> d.details().get("pid"))
                .filter(p -> p instanceof Number)
                .map(p -> ((Number) p).intValue())
                .filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
                .findFirst();
    }

    private static void poll(List<LogFollower> followers, LogAggregator logs, StepContext ctx) {
        for (LogFollower f : followers) {
            try {
                f.poll(logs);
            } catch (IOException e) {
                ctx.log("could not read a log file: " + e.getMessage());
            }
        }
    }

    private static void publishLogs(StepContext ctx, LogSummary s, List<LogFollower> followers) {
        List<String> files = followers.stream().flatMap(f -> f.files().stream()).map(Object::toString).toList();
        if (files.isEmpty()) {
            ctx.log("no log file matched the paths given; check logs: paths (relative to the plan's directory)");
        }
        ctx.output("files", files);
        ctx.metric("log.lines", s.lines(), Unit.COUNT, NEUTRAL);
        ctx.metric("log.errors", s.errors(), Unit.COUNT, LOWER);
        ctx.metric("log.warnings", s.levels().getOrDefault("WARN", 0L), Unit.COUNT, LOWER);
        ctx.metric("log.error_rate", s.errorPercent(), Unit.PERCENT, LOWER);
        long maxPerMinute = 0;
        double[] perMinute = new double[s.errorsPerMinute().length];
        for (int i = 0; i < perMinute.length; i++) {
            perMinute[i] = s.errorsPerMinute()[i];
            maxPerMinute = Math.max(maxPerMinute, s.errorsPerMinute()[i]);
        }
        ctx.metric("log.errors_per_minute.max", maxPerMinute, Unit.COUNT, LOWER);
        ctx.samples("log.errors_per_minute", perMinute, Unit.COUNT);
        s.statusClasses().forEach((k, v) -> ctx.metric("log.status." + k, v, Unit.COUNT, NEUTRAL));
        s.latencyMillis().forEach((k, v) -> ctx.metric("log.latency." + k, v, Unit.MILLISECONDS, LOWER));
        ctx.output("levels", s.levels());
        ctx.output("errors_per_minute", java.util.Arrays.stream(s.errorsPerMinute()).boxed().toList());
        ctx.output("top_errors", messages(s.topErrors()));
        ctx.output("top_messages", messages(s.topMessages()));
        ctx.log(String.format(Locale.ROOT, "logs: %d lines in the window (%d outside, %d unparsed), %d errors (%.2f%%), levels %s",
                s.lines(), s.outsideWindow(), s.unparsed(), s.errors(), s.errorPercent(), s.levels()));
        s.topErrors().stream().limit(3).forEach(m -> ctx.log("  " + m.count() + "× " + m.message()));
    }

    private static List<Map<String, Object>> messages(List<LogSummary.MessageCount> list) {
        return list.stream().map(m -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("message", m.message());
            row.put("level", m.level());
            row.put("count", m.count());
            return row;
        }).toList();
    }

    private static LogFormat format(ObserveInputs.Format f) {
        return switch (f) {
            case AUTO -> LogFormat.AUTO;
            case LOGBACK, LOG4J -> LogFormat.PATTERN;
            case JSON -> LogFormat.JSON;
            case NGINX, APACHE -> LogFormat.ACCESS;
        };
    }

    private static void sleep(Duration d, StepContext ctx) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end && !ctx.cancelled()) {
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(end - System.nanoTime(), 50_000_000L));
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    /** What the window has shown so far: running values for alerts, and totals for the metrics. */
    private static final class Observation {
        final StepContext ctx;
        final ObserveInputs in;
        final AlertEvaluator evaluator;
        final List<AlertRule> rules;
        final List<PrometheusText.Sample> selectors;
        final HttpClient http;
        final WebhookChannel webhook;
        final List<Alert> alerts = new ArrayList<>();
        final Map<String, Double> values = new LinkedHashMap<>();
        final Map<String, String> units = new LinkedHashMap<>();
        String scrapeError;
        int systemSamples;
        double cpuSum;
        double diskRead;
        double diskWrite;
        double rx;
        double tx;
        int processSamples;
        double processCpuSum;

        Observation(StepContext ctx, ObserveInputs in, List<AlertRule> rules, List<PrometheusText.Sample> selectors, HttpClient http) {
            this.ctx = ctx;
            this.in = in;
            this.rules = rules;
            this.evaluator = new AlertEvaluator(rules);
            this.selectors = selectors;
            this.http = http;
            this.webhook = in.webhook() == null ? null
                    : new WebhookChannel(URI.create(in.webhook()), Map.of(), Duration.ofSeconds(5), 3, Duration.ofMillis(500));
        }

        void put(String name, double value, String unit) {
            values.put(name, value);
            units.put(name, unit);
        }

        void max(String name, double value, String unit) {
            put(name, Math.max(value, values.getOrDefault(name, Double.NEGATIVE_INFINITY)), unit);
        }

        void system(SystemSamples s) {
            for (int i = 0; i < s.size(); i++) {
                systemSamples++;
                cpuSum += s.cpuPercent()[i];
                diskRead += s.diskReadBytesPerSecond()[i];
                diskWrite += s.diskWriteBytesPerSecond()[i];
                rx += s.networkRxBytesPerSecond()[i];
                tx += s.networkTxBytesPerSecond()[i];
                put("system.cpu", s.cpuPercent()[i], "%");
                put("system.cpu.mean", cpuSum / systemSamples, "%");
                max("system.cpu.max", s.cpuPercent()[i], "%");
                put("system.memory.used", s.memoryUsedBytes()[i], "B");
                max("system.memory.used.max", s.memoryUsedBytes()[i], "B");
                put("system.load", s.loadAverage1m()[i], "");
                max("system.load.max", s.loadAverage1m()[i], "");
            }
        }

        void process(ProcessSamples s) {
            for (int i = 0; i < s.size(); i++) {
                processSamples++;
                processCpuSum += s.cpuPercent()[i];
                put("process.cpu", s.cpuPercent()[i], "%");
                put("process.cpu.mean", processCpuSum / processSamples, "%");
                max("process.cpu.max", s.cpuPercent()[i], "%");
                put("process.rss", s.rssBytes()[i], "B");
                max("process.rss.max", s.rssBytes()[i], "B");
                put("process.threads", s.threads()[i], "");
                max("process.threads.max", s.threads()[i], "");
            }
        }

        void scrape() {
            if (in.metricsUrl() == null || scrapeError != null) {
                return;
            }
            List<PrometheusText.Sample> page;
            try {
                page = PrometheusText.scrape(http, URI.create(in.metricsUrl()), Duration.ofSeconds(5));
            } catch (IOException | IllegalArgumentException e) {
                scrapeError = "metrics_url could not be scraped: " + (e.getMessage() == null ? e.toString() : e.getMessage());
                return;
            }
            put("prom.series", page.size(), "");
            for (PrometheusText.Sample sel : selectors) {
                double sum = 0;
                boolean found = false;
                for (PrometheusText.Sample p : page) {
                    if (p.matches(sel.name(), sel.labels())) {
                        sum += p.value();
                        found = true;
                    }
                }
                if (found) {
                    put(promName(sel), sum, "");
                }
            }
        }

        void evaluate(LogAggregator logs) {
            if (!in.logs().isEmpty()) {
                put("log.lines", logs.lines(), "");
                put("log.errors", logs.errors(), "");
                put("log.error_rate", logs.lines() == 0 ? 0 : 100.0 * logs.errors() / logs.lines(), "%");
            }
            if (rules.isEmpty()) {
                return;
            }
            List<Alert> fired;
            try {
                fired = evaluator.evaluate(Instant.now(), AlertEvaluator.lookup(values, units));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("an alert rule cannot be evaluated: " + e.getMessage(), e);
            }
            for (Alert a : fired) {
                alerts.add(a);
                ctx.alert(a.rule(), a.severity(), a.message(), a.firedAt());
                AlertRule rule = rules.stream().filter(r -> r.name().equals(a.rule())).findFirst().orElseThrow();
                if (rule.channels().contains("webhook")) {
                    AlertChannel.Delivery d = webhook.send(new io.perfplan.core.deploy.Alert("observe_alert", in.service(),
                            in.service() == null ? null : in.environment(), null, null, ctx.mask(a.message()), ctx.runId(), ctx.planName(), a.firedAt()));
                    if (!d.delivered()) {
                        ctx.log("the alert could not be sent to " + webhook.describe() + " (" + d.problem() + " after "
                                + d.attempts() + " tries)");
                    }
                }
            }
        }

        void publish() {
            if (systemSamples > 0) {
                ctx.metric("system.cpu.mean", cpuSum / systemSamples, Unit.PERCENT, NEUTRAL);
                ctx.metric("system.cpu.max", values.get("system.cpu.max"), Unit.PERCENT, NEUTRAL);
                ctx.metric("system.memory.used.max", values.get("system.memory.used.max"), Unit.BYTES, NEUTRAL);
                ctx.metric("system.load.max", values.get("system.load.max"), Unit.COUNT, NEUTRAL);
                ctx.metric("system.disk.read_rate", diskRead / systemSamples, Unit.PER_SECOND, NEUTRAL);
                ctx.metric("system.disk.write_rate", diskWrite / systemSamples, Unit.PER_SECOND, NEUTRAL);
                ctx.metric("system.net.rx_rate", rx / systemSamples, Unit.PER_SECOND, NEUTRAL);
                ctx.metric("system.net.tx_rate", tx / systemSamples, Unit.PER_SECOND, NEUTRAL);
            }
            if (processSamples > 0) {
                ctx.metric("process.cpu.mean", processCpuSum / processSamples, Unit.PERCENT, NEUTRAL);
                ctx.metric("process.cpu.max", values.get("process.cpu.max"), Unit.PERCENT, NEUTRAL);
                ctx.metric("process.rss.max", values.get("process.rss.max"), Unit.BYTES, LOWER);
                ctx.metric("process.threads.max", values.get("process.threads.max"), Unit.COUNT, NEUTRAL);
            }
            for (PrometheusText.Sample sel : selectors) {
                Double v = values.get(promName(sel));
                if (v != null) {
                    ctx.metric(promName(sel), v, Unit.COUNT, NEUTRAL);
                } else {
                    ctx.log("series " + sel.series() + " was not on " + in.metricsUrl());
                }
            }
        }

        /** prom.<name>, with label values appended (http_requests_total{code="200"} becomes prom.http_requests_total.200). */
        static String promName(PrometheusText.Sample sel) {
            StringBuilder b = new StringBuilder("prom.").append(sel.name());
            sel.labels().values().forEach(v -> b.append('.').append(v.replaceAll("[^A-Za-z0-9_]", "_")));
            return b.toString();
        }
    }
}
