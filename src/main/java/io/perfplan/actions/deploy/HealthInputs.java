package io.perfplan.actions.deploy;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.perfplan.core.deploy.HealthCheck;
import io.perfplan.core.deploy.HealthPolling;
import io.perfplan.plan.Quantities;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The health checks of a deployment: every check given must pass in one round, polled every {@code interval} within {@code timeout}. */
public record HealthInputs(
        @JsonPropertyDescription("URL to GET; healthy when it answers `status` (and contains `body_contains`), e.g. http://127.0.0.1:8080/health.")
        String http,
        @JsonPropertyDescription("The HTTP status that counts as healthy. Default 200.")
        Integer status,
        @JsonPropertyDescription("Text the HTTP body must contain, e.g. \"version=2.0\" to be sure the new version answers.")
        String bodyContains,
        @JsonPropertyDescription("host:port that must accept a TCP connection, e.g. 127.0.0.1:5432.")
        String tcp,
        @JsonPropertyDescription("Command (list) that must exit 0, run in the project folder, e.g. [pg_isready, -h, 127.0.0.1].")
        List<String> command,
        @JsonPropertyDescription("Time between two rounds of checks. Default 500ms.")
        Duration interval,
        @JsonPropertyDescription("How long the service has to become healthy. Default 60s.")
        Duration timeout) {

    public HealthInputs {
        status = status == null ? 200 : status;
        interval = interval == null ? Duration.ofMillis(500) : interval;
        timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
        command = command == null ? List.of() : List.copyOf(command);
        if (http == null && tcp == null && command.isEmpty()) {
            throw new IllegalArgumentException("health has no check; give http (a URL), tcp (host:port) or command (a list)");
        }
        if (bodyContains != null && http == null) {
            throw new IllegalArgumentException("health.body_contains needs health.http, the URL whose body is checked");
        }
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("health.status " + status + " is not an HTTP status; use e.g. 200");
        }
        if (http != null) {
            new HealthCheck.Http(URI.create(http), status, bodyContains); // checks the URL now
        }
        if (tcp != null) {
            HealthCheck.Tcp.parse(tcp);
        }
        new HealthPolling(interval, timeout);
    }

    /** The checks, commands run in {@code cwd} with {@code environment}. */
    List<HealthCheck> checks(Path cwd, Map<String, String> environment) {
        List<HealthCheck> out = new ArrayList<>();
        if (http != null) {
            out.add(new HealthCheck.Http(URI.create(http), status, bodyContains));
        }
        if (tcp != null) {
            out.add(HealthCheck.Tcp.parse(tcp));
        }
        if (!command.isEmpty()) {
            out.add(new HealthCheck.Command(command, cwd, environment));
        }
        return out;
    }

    HealthPolling polling() {
        return new HealthPolling(interval, timeout);
    }

    /** What is checked, for logs: {@code GET url, connect host:port}. */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (http != null) {
            parts.add("GET " + http + (status == 200 ? "" : " = " + status) + (bodyContains == null ? "" : " containing \"" + bodyContains + "\""));
        }
        if (tcp != null) {
            parts.add("connect " + tcp);
        }
        if (!command.isEmpty()) {
            parts.add("`" + String.join(" ", command) + "` exits 0");
        }
        return String.join(", ", parts);
    }

    /** The checks as plan values, stored with a deployment so a rollback can check the same way. */
    Map<String, Object> toValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (http != null) {
            m.put("http", http);
            m.put("status", status);
        }
        if (bodyContains != null) {
            m.put("body_contains", bodyContains);
        }
        if (tcp != null) {
            m.put("tcp", tcp);
        }
        if (!command.isEmpty()) {
            m.put("command", command);
        }
        m.put("interval", Quantities.format(interval));
        m.put("timeout", Quantities.format(timeout));
        return m;
    }
}
