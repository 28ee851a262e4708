package io.perfplan.actions.deploy;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Duration;
import java.util.List;

/** Inputs of the {@code rollback} action. */
public record RollbackInputs(
        @JsonPropertyDescription("The service to return to an earlier version.")
        String service,
        @JsonPropertyDescription("Its environment. Default: default.")
        String environment,
        @JsonPropertyDescription("The version to return to. Default: the last healthy version before the current one.")
        String to,
        @JsonPropertyDescription("A command (list) that performs the rollback (PERFPLAN_VERSION is the version returned to). "
                + "Default: the way that version was deployed (its process is restarted, or its deploy command run again).")
        List<String> command,
        @JsonPropertyDescription("Health checks after the rollback, as in deploy ({http, status, body_contains, tcp, command, "
                + "interval, timeout}). Default: the checks that version was deployed with.")
        HealthInputs health,
        @JsonPropertyDescription("Time a stopped process gets after SIGTERM before SIGKILL. Default 10s.")
        Duration grace,
        @JsonPropertyDescription("Longest a rollback or deploy command may run. Default 10m.")
        Duration commandTimeout,
        @JsonPropertyDescription("Why, recorded with the deployment and sent with the alert, e.g. \"the gate failed\".")
        String reason,
        @JsonPropertyDescription("Where the rollback is announced: a list of {log: true} and {webhook: URL, ...}. Default [{log: true}].")
        List<AlertInputs> alerts,
        @JsonPropertyDescription("Instead of a service: the id of an optimize step of this plan; the file it last applied "
                + "is put back as it was (byte for byte, or removed when it did not exist).")
        String optimization) {

    public RollbackInputs {
        if (optimization != null) {
            if (service != null) {
                throw new IllegalArgumentException("give either `service` (return it to an earlier version) or `optimization`, not both");
            }
        } else {
            Names.requireService(service);
        }
        environment = Names.environment(environment);
        command = command == null ? List.of() : List.copyOf(command);
        grace = grace == null ? Duration.ofSeconds(10) : grace;
        commandTimeout = commandTimeout == null ? Duration.ofMinutes(10) : commandTimeout;
        alerts = alerts == null ? List.of(new AlertInputs(true, null, null, null, null, null)) : List.copyOf(alerts);
    }
}
