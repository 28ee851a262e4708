package io.perfplan.actions.loadtest;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.perfplan.core.load.MetricCondition;
import io.perfplan.core.load.ResponseCheck;

/**
 * The {@code with:} block of a {@code loadtest} step. Give {@code url} (or {@code requests}) and a
 * model: {@code rate} or {@code stages} for the open model, {@code connections} alone for the closed
 * model, or {@code stress} to step the rate up until a condition breaks.
 */
public record LoadtestInputs(
        @JsonPropertyDescription("URL to load, http:// or https:// (one request template; use requests for a weighted mix)")
        String url,
        @JsonPropertyDescription("HTTP method of url (default GET)")
        String method,
        @JsonPropertyDescription("headers sent with url")
        Map<String, String> headers,
        @JsonPropertyDescription("request body sent with url (Content-Length is set)")
        String body,
        @JsonPropertyDescription("several request templates mixed by weight, instead of url; all must go to the same scheme://host:port")
        List<RequestInput> requests,
        @JsonPropertyDescription("open model: requests per second, constant for the duration")
        Double rate,
        @JsonPropertyDescription("open model: list of {duration, rate}; the rate moves linearly to each stage's rate, starting from start_rate")
        List<StageInput> stages,
        @JsonPropertyDescription("open model with stages: the rate at the start (default 0)")
        Double startRate,
        @JsonPropertyDescription("closed model: number of connections sending back to back; open model: the most connections opened (default 256)")
        Integer connections,
        @JsonPropertyDescription("closed model: pause between a response and the next request on a connection (default 0)")
        Duration think,
        @JsonPropertyDescription("measured duration for rate, connections and stress steps default (default 10s); stages give their own")
        Duration duration,
        @JsonPropertyDescription("run this long first at the start rate without recording (default 0)")
        Duration warmup,
        @JsonPropertyDescription("stop after this many measured requests (default: no limit)")
        Long maxRequests,
        @JsonPropertyDescription("per-request timeout from the send; also the longest a request may wait for a free connection before it is dropped (default 10s)")
        Duration timeout,
        @JsonPropertyDescription("open model: Poisson arrivals (exponential gaps) instead of evenly spaced ones (default false)")
        Boolean poisson,
        @JsonPropertyDescription("seed of the Poisson arrivals and of the choice among weighted requests (default 1)")
        Long seed,
        @JsonPropertyDescription("conditions every response must meet; failures count as errors.<check>")
        ChecksInput checks,
        @JsonPropertyDescription("conditions such as \"latency.p99 < 200ms\" or \"error_rate < 1%\": the validate action's threshold language with this step's metrics named without the step (and/or, parentheses; limits need units: ms, %, /s, B), checked every second on the last threshold_window and on the whole run; the step fails when one fails")
        List<String> thresholds,
        @JsonPropertyDescription("stop the test as soon as a threshold fails during the run (results are kept; default false)")
        Boolean abortOnFail,
        @JsonPropertyDescription("do not abort on a failing threshold before this much of the measured part has run (default 0)")
        Duration delayAbortEval,
        @JsonPropertyDescription("the sliding window live thresholds look at (default 10s)")
        Duration thresholdWindow,
        @JsonPropertyDescription("trust any TLS certificate (self-signed test targets; default false)")
        Boolean insecure,
        @JsonPropertyDescription("send a W3C traceparent header on this share of requests, e.g. 1% (default 0): the run's "
                + "trace id (a random one when telemetry is off; see output trace_id) and a fresh span id per request, so "
                + "the target's traces link back to the run")
        io.perfplan.plan.Percent traceSample,
        @JsonPropertyDescription("stress mode: step the rate up until a condition holds and report the capacity")
        StressInput stress) {

    /** One template of a weighted mix. */
    public record RequestInput(
            @JsonPropertyDescription("a name for messages (default: method and path)") String name,
            @JsonProperty(required = true) @JsonPropertyDescription("URL, http:// or https://") String url,
            @JsonPropertyDescription("HTTP method (default GET)") String method,
            @JsonPropertyDescription("request headers") Map<String, String> headers,
            @JsonPropertyDescription("request body") String body,
            @JsonPropertyDescription("relative weight in the mix (default 1)") Integer weight) {}

    /** One stage of the open model. */
    public record StageInput(
            @JsonProperty(required = true) @JsonPropertyDescription("how long the rate takes to reach this stage's rate") Duration duration,
            @JsonProperty(required = true) @JsonPropertyDescription("requests per second at the end of the stage") Double rate) {}

    /** Response checks; the first failing check (in this order) names the error kind. */
    public record ChecksInput(
            @JsonPropertyDescription("accepted statuses: 200, 2xx or 200-299 (errors.status)") List<String> status,
            @JsonPropertyDescription("text the body must contain (errors.body_contains)") String bodyContains,
            @JsonPropertyDescription("regular expression some part of the body must match (errors.body_regex)") String bodyRegex,
            @JsonPropertyDescription("headers that must be present; a non-empty value is a regular expression the whole value must match (errors.header)") Map<String, String> header) {
        public ChecksInput {
            // parse now so a wrong status or regular expression is reported when the plan is validated
            if (status != null && !status.isEmpty()) {
                ResponseCheck.Status.parse(status);
            }
            if (bodyRegex != null) {
                ResponseCheck.BodyRegex.of(bodyRegex);
            }
            if (header != null) {
                header.forEach((name, regex) -> ResponseCheck.Header.of(name, regex == null || regex.isEmpty() ? null : regex));
            }
        }
    }

    /** Stress mode settings. */
    public record StressInput(
            @JsonProperty(required = true) @JsonPropertyDescription("first rate, requests per second") Double start,
            @JsonProperty(required = true) @JsonPropertyDescription("rate added at each step") Double step,
            @JsonPropertyDescription("length of each step (default: duration)") Duration stepDuration,
            @JsonProperty(required = true) @JsonPropertyDescription("highest rate tried") Double max,
            @JsonPropertyDescription("condition that means the target broke (default \"latency.p99 > 200ms or error_rate > 1%\")") String until) {
        public StressInput {
            if (until != null) {
                MetricCondition.parse(until);
            }
        }
    }

    public LoadtestInputs {
        method = method == null ? "GET" : method;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        requests = requests == null ? List.of() : List.copyOf(requests);
        stages = stages == null ? List.of() : List.copyOf(stages);
        think = think == null ? Duration.ZERO : think;
        duration = duration == null ? Duration.ofSeconds(10) : duration;
        warmup = warmup == null ? Duration.ZERO : warmup;
        maxRequests = maxRequests == null ? 0L : maxRequests;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        poisson = poisson != null && poisson;
        seed = seed == null ? 1L : seed;
        thresholds = thresholds == null ? List.of() : List.copyOf(thresholds);
        abortOnFail = abortOnFail != null && abortOnFail;
        delayAbortEval = delayAbortEval == null ? Duration.ZERO : delayAbortEval;
        thresholdWindow = thresholdWindow == null ? Duration.ofSeconds(10) : thresholdWindow;
        insecure = insecure != null && insecure;
        traceSample = traceSample == null ? new io.perfplan.plan.Percent(0) : traceSample;
        if (traceSample.value() < 0 || traceSample.value() > 100) {
            throw new IllegalArgumentException("trace_sample must be between 0% and 100%");
        }
        if (url != null && !requests.isEmpty()) {
            throw new IllegalArgumentException("set either url or requests, not both");
        }
        if (url == null && requests.isEmpty()) {
            throw new IllegalArgumentException("loadtest needs a url (or a list of requests)");
        }
        if (rate != null && !stages.isEmpty()) {
            throw new IllegalArgumentException("set either rate or stages, not both");
        }
        if (stress != null && (rate != null || !stages.isEmpty())) {
            throw new IllegalArgumentException("stress sets the rate itself; remove rate and stages from this step");
        }
        if (stress == null && rate == null && stages.isEmpty() && connections == null) {
            throw new IllegalArgumentException("loadtest needs a model: rate (requests/s), stages, connections (closed model) or stress");
        }
        thresholds.forEach(MetricCondition::parse);
    }
}
