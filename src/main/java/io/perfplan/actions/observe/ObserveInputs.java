package io.perfplan.actions.observe;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.time.Duration;
import java.util.List;

/**
 * Inputs of the {@code observe} action: a window (a duration from now, or the whole run so far), what
 * to watch in it (the machine, a process, log files, a Prometheus metrics page) and alert rules.
 */
public record ObserveInputs(
        @JsonPropertyDescription("How long to watch from the start of the step, e.g. 30s. Default 10s; with window: run, "
                + "default 0 (look back only).")
        Duration duration,
        @JsonPropertyDescription("duration (default): the window is the step's own duration. run: the window starts when "
                + "the run started, so logs written by earlier steps count too; system and process metrics are sampled "
                + "only for duration.")
        Window window,
        @JsonPropertyDescription("Time between samples and alert evaluations, e.g. 1s (at least 50ms). Default 1s.")
        Duration interval,
        @JsonPropertyDescription("Sample the machine: CPU, memory, load, disk and network rates. Default true.")
        Boolean system,
        @JsonPropertyDescription("A process id to sample (CPU, RSS, threads).")
        Long pid,
        @JsonPropertyDescription("A regular expression matched against process names and command lines; all matching "
                + "processes are sampled together.")
        String process,
        @JsonPropertyDescription("A service deployed by a deploy step (process strategy): its running process is sampled, "
                + "and webhook alerts name it.")
        String service,
        @JsonPropertyDescription("The environment of service. Default: default.")
        String environment,
        @JsonPropertyDescription("Log files to aggregate: each {path, format}; path may be a glob (logs/*.log), relative "
                + "to the plan's directory.")
        List<LogSource> logs,
        @JsonPropertyDescription("Zone of log timestamps written without one, e.g. UTC or Europe/Paris. Default: this "
                + "machine's zone.")
        String timezone,
        @JsonPropertyDescription("How many top messages and top errors to report. Default 10.")
        Integer top,
        @JsonPropertyDescription("A Prometheus metrics page to scrape at every interval, e.g. http://127.0.0.1:8080/metrics.")
        String metricsUrl,
        @JsonPropertyDescription("Series of metrics_url to publish as metrics prom.<name>: a name or name{label=\"value\"}; "
                + "several matching series are summed. The last scraped value is published.")
        List<String> series,
        @JsonPropertyDescription("Alert rules evaluated at every interval: {when, for, severity, notify, name}.")
        List<AlertInput> alerts,
        @JsonPropertyDescription("URL that alerts with notify: [webhook] are POSTed to as JSON (the deploy alerts' format: "
                + "source, event observe_alert, service, environment, message, run_id, plan, at; 3 tries on 5xx or no answer).")
        String webhook,
        @JsonPropertyDescription("Fail the step when an alert fired. Default false (alerts are recorded and notified).")
        Boolean failOnAlert) {

    /** Which span of time the observation covers. */
    public enum Window {
        @JsonProperty("duration") DURATION,
        @JsonProperty("run") RUN
    }

    /** The format of a log file. */
    public enum Format {
        @JsonProperty("auto") AUTO,
        @JsonProperty("logback") LOGBACK,
        @JsonProperty("log4j") LOG4J,
        @JsonProperty("json") JSON,
        @JsonProperty("nginx") NGINX,
        @JsonProperty("apache") APACHE
    }

    /** Where notifications go. */
    public enum Channel {
        @JsonProperty("log") LOG,
        @JsonProperty("webhook") WEBHOOK
    }

    /** A log file or glob and its format. */
    public record LogSource(
            @JsonProperty(required = true)
            @JsonPropertyDescription("File path or glob, relative to the plan's directory.")
            String path,
            @JsonPropertyDescription("auto (default: detected from the first lines), logback, log4j, json, nginx or apache.")
            Format format) {
        public LogSource {
            format = format == null ? Format.AUTO : format;
        }
    }

    /** One alert rule. */
    public record AlertInput(
            @JsonProperty(required = true)
            @JsonPropertyDescription("Condition over this step's metrics, in gate syntax, e.g. \"system.cpu.mean > 90%\" "
                    + "or \"log.errors > 10\". Live values: system.cpu, system.cpu.mean, system.cpu.max, "
                    + "system.memory.used, system.load, process.cpu, process.rss, process.threads, log.lines, "
                    + "log.errors, log.error_rate, prom.<name>.")
            String when,
            @JsonProperty("for")
            @JsonPropertyDescription("How long the condition must hold before the alert fires, e.g. 30s. Default 0.")
            Duration holdFor,
            @JsonPropertyDescription("Free text, e.g. warning or critical. Default warning.")
            String severity,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            @JsonProperty("notify")
            @JsonPropertyDescription("Where to notify: log, webhook. Default [log].")
            List<Channel> channels,
            @JsonPropertyDescription("Name shown in notifications and stored. Default: the condition.")
            String name) {
        public AlertInput {
            holdFor = holdFor == null ? Duration.ZERO : holdFor;
            severity = severity == null ? "warning" : severity;
            channels = channels == null || channels.isEmpty() ? List.of(Channel.LOG) : List.copyOf(channels);
            name = name == null ? when : name;
        }
    }

    public ObserveInputs {
        window = window == null ? Window.DURATION : window;
        duration = duration != null ? duration : window == Window.RUN ? Duration.ZERO : Duration.ofSeconds(10);
        interval = interval == null ? Duration.ofSeconds(1) : interval;
        system = system == null || system;
        logs = logs == null ? List.of() : List.copyOf(logs);
        top = top == null ? 10 : top;
        series = series == null ? List.of() : List.copyOf(series);
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
        failOnAlert = failOnAlert != null && failOnAlert;
        if (interval.toMillis() < 50) {
            throw new IllegalArgumentException("interval " + interval.toMillis() + " ms is too short; use 50ms or more (1s is typical).");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative; write e.g. 30s.");
        }
        if (top < 1) {
            throw new IllegalArgumentException("top must be at least 1.");
        }
        environment = environment == null ? "default" : environment;
        if ((pid != null ? 1 : 0) + (process != null ? 1 : 0) + (service != null ? 1 : 0) > 1) {
            throw new IllegalArgumentException("give one of pid, process or service, not several.");
        }
        if (!series.isEmpty() && metricsUrl == null) {
            throw new IllegalArgumentException("series needs metrics_url: the page to scrape them from.");
        }
        if (webhook != null && !webhook.matches("https?://\\S+")) {
            throw new IllegalArgumentException("webhook '" + webhook + "' is not an http:// or https:// URL.");
        }
        if (webhook == null && alerts.stream().anyMatch(a -> a.channels().contains(Channel.WEBHOOK))) {
            throw new IllegalArgumentException("an alert notifies webhook but no webhook URL is set; add webhook: https://...");
        }
    }
}
