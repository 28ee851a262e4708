package io.perfplan.actions.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Inputs of the {@code deploy} action. */
public record DeployInputs(
        @JsonProperty(required = true)
        @JsonPropertyDescription("The service's name (letters, digits, . _ -), e.g. checkout.")
        String service,
        @JsonPropertyDescription("The version to deploy, e.g. \"2.0\" (quote numbers). Required unless stop is true.")
        String version,
        @JsonPropertyDescription("Where it is deployed, e.g. staging. Default: default. One deployment per service and environment runs at a time.")
        String environment,
        @JsonPropertyDescription("command: run your own deploy command; process: perfplan starts and supervises a local process. "
                + "Default: process when `start` is given, command when `command` is given.")
        Strategy strategy,
        @JsonPropertyDescription("process strategy: the service's command as a list, e.g. [java, -jar, app-2.0.jar]. It runs in its own "
                + "session (it outlives the run), its output goes to logs/<service>-<version>.log.")
        List<String> start,
        @JsonPropertyDescription("command strategy: the deploy command as a list, e.g. [helm, upgrade, checkout, ./chart]; it sees "
                + "PERFPLAN_SERVICE, PERFPLAN_VERSION and PERFPLAN_ENVIRONMENT and must exit 0.")
        List<String> command,
        @JsonPropertyDescription("command strategy: the command that returns the service to an earlier version (PERFPLAN_VERSION is that "
                + "version). Default: the earlier version's own deploy command.")
        List<String> rollbackCommand,
        @JsonPropertyDescription("Working directory of the commands, relative to the project folder. Default: the project folder.")
        String cwd,
        @JsonPropertyDescription("Extra environment variables for the service or deploy command (stored with the deployment, secrets masked).")
        Map<String, String> env,
        @JsonPropertyDescription("Health checks that must all pass in one round for the deployment to count as healthy: "
                + "{http: URL, status: 200, body_contains: TEXT, tcp: HOST:PORT, command: [argv], interval: 500ms, timeout: 60s}.")
        HealthInputs health,
        @JsonPropertyDescription("What to do when the deployment fails: rollback (default) returns at once to the last healthy version; "
                + "keep leaves the new version in place.")
        OnFailure onFailure,
        @JsonPropertyDescription("process strategy: time a stopped process gets after SIGTERM before SIGKILL. Default 10s.")
        Duration grace,
        @JsonPropertyDescription("command strategy: longest the deploy command may run. Default 10m.")
        Duration commandTimeout,
        @JsonPropertyDescription("Where failures and rollbacks are announced: a list of {log: true} and {webhook: URL, ...}. Default [{log: true}].")
        List<AlertInputs> alerts,
        @JsonPropertyDescription("Stop the service's running process (process strategy) instead of deploying; the deployment is recorded stopped.")
        Boolean stop) {

    /** How a version is deployed. */
    public enum Strategy {
        @JsonProperty("command") COMMAND,
        @JsonProperty("process") PROCESS
    }

    /** What a failed deployment leads to. */
    public enum OnFailure {
        @JsonProperty("rollback") ROLLBACK,
        @JsonProperty("keep") KEEP
    }

    public DeployInputs {
        Names.requireService(service);
        environment = Names.environment(environment);
        stop = stop != null && stop;
        start = start == null ? List.of() : List.copyOf(start);
        command = command == null ? List.of() : List.copyOf(command);
        rollbackCommand = rollbackCommand == null ? List.of() : List.copyOf(rollbackCommand);
        env = env == null ? Map.of() : Map.copyOf(env);
        onFailure = onFailure == null ? OnFailure.ROLLBACK : onFailure;
        grace = grace == null ? Duration.ofSeconds(10) : grace;
        commandTimeout = commandTimeout == null ? Duration.ofMinutes(10) : commandTimeout;
        alerts = alerts == null ? List.of(new AlertInputs(true, null, null, null, null, null)) : List.copyOf(alerts);
        if (stop) {
            if (!start.isEmpty() || !command.isEmpty() || version != null) {
                throw new IllegalArgumentException("with stop: true, give only service (and environment); version, start and command are for deploying");
            }
        } else {
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("`version` is missing; say which version to deploy, e.g. version: \"2.0\"");
            }
            if (strategy == null) {
                if (!start.isEmpty() && command.isEmpty()) {
                    strategy = Strategy.PROCESS;
                } else if (!command.isEmpty() && start.isEmpty()) {
                    strategy = Strategy.COMMAND;
                } else {
                    throw new IllegalArgumentException("give either `start` (perfplan runs the service as a local process) or "
                            + "`command` (your own deploy command)");
                }
            }
            if (strategy == Strategy.PROCESS && (start.isEmpty() || !command.isEmpty())) {
                throw new IllegalArgumentException("strategy process needs `start`, the service's command as a list, and no `command`");
            }
            if (strategy == Strategy.COMMAND && (command.isEmpty() || !start.isEmpty())) {
                throw new IllegalArgumentException("strategy command needs `command`, your deploy command as a list, and no `start`");
            }
            List<String> argv = strategy == Strategy.PROCESS ? start : command;
            if (argv.size() == 1 && argv.get(0).contains(" ")) {
                throw new IllegalArgumentException("\"" + argv.get(0) + "\" is one string with spaces; write the command as a list "
                        + "[program, arg, ...], or [sh, -c, \"...\"] for a shell line");
            }
        }
    }
}
