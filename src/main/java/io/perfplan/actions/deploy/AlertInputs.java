package io.perfplan.actions.deploy;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.perfplan.core.deploy.AlertChannel;
import io.perfplan.core.deploy.WebhookChannel;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One alert channel: {@code {log: true}} writes alerts to the run's output, {@code {webhook: URL}}
 * POSTs them as JSON. Plans that share channels across steps put the list in {@code vars} and write
 * {@code alerts: ${vars.alerts}}.
 */
public record AlertInputs(
        @JsonPropertyDescription("Write alerts to the run's output (true).")
        Boolean log,
        @JsonPropertyDescription("URL that receives each alert as an HTTP POST of a JSON object "
                + "{source, event, service, environment, version, previous_version, message, run_id, plan, at}.")
        String webhook,
        @JsonPropertyDescription("Extra request headers for the webhook, e.g. {Authorization: \"Bearer ${secrets.HOOK_TOKEN}\"}.")
        Map<String, String> headers,
        @JsonPropertyDescription("Longest wait for the webhook's answer. Default 5s.")
        Duration timeout,
        @JsonPropertyDescription("Tries in all when the webhook fails (connection error, timeout, 5xx, 429). Default 3.")
        Integer attempts,
        @JsonPropertyDescription("Wait before the second try, doubled for each later one. Default 500ms.")
        Duration backoff) {

    public AlertInputs {
        boolean toLog = log != null && log;
        if (toLog == (webhook != null)) {
            throw new IllegalArgumentException("an alert channel is either {log: true} or {webhook: URL}");
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
        attempts = attempts == null ? 3 : attempts;
        backoff = backoff == null ? Duration.ofMillis(500) : backoff;
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("alert attempts " + attempts + " must be from 1 to 10");
        }
        if (webhook != null) {
            channel(s -> {});
        }
    }

    AlertChannel channel(Consumer<String> log) {
        if (webhook == null) {
            return AlertChannel.log(log);
        }
        return new WebhookChannel(URI.create(webhook), headers, timeout, attempts, backoff);
    }
}
