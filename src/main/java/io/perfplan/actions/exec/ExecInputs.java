package io.perfplan.actions.exec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Inputs of the {@code exec} action. */
public record ExecInputs(
        @JsonProperty(required = true)
        @JsonPropertyDescription("The command: a list [program, arg, ...], or one string run by `sh -c` when shell is true.")
        List<String> command,
        @JsonPropertyDescription("Run the command string through `sh -c` (pipes, globs, &&). Default false.")
        Boolean shell,
        @JsonPropertyDescription("Working directory, relative to the project folder. Default: the project folder.")
        String cwd,
        @JsonPropertyDescription("Extra environment variables for the command (added to the plan's env).")
        Map<String, String> env,
        @JsonPropertyDescription("Kill the command (and its child processes) after this long, e.g. 30s. Default: the step's timeout.")
        Duration timeout,
        @JsonPropertyDescription("The exit code that counts as success. Default 0.")
        Integer expectExit) {

    public ExecInputs {
        if (command == null || command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
            throw new IllegalArgumentException("`command` is empty; give a list like [echo, hello] or a string with shell: true");
        }
        shell = shell != null && shell;
        if (shell && command.size() != 1) {
            throw new IllegalArgumentException("with shell: true, `command` is one string such as \"ls | wc -l\", not a list");
        }
        if (!shell && command.size() == 1 && command.get(0).contains(" ")) {
            throw new IllegalArgumentException("`command` \"" + command.get(0) + "\" is one string with spaces; write it as a list "
                    + "[program, arg, ...] or add shell: true");
        }
        env = env == null ? Map.of() : Map.copyOf(env);
        expectExit = expectExit == null ? 0 : expectExit;
    }

    /** The argv to start. */
    public List<String> argv() {
        return shell ? List.of("sh", "-c", command.get(0)) : command;
    }
}
