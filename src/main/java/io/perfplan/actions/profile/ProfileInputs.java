package io.perfplan.actions.profile;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Inputs of the {@code profile} action. Exactly one target: {@code command} (command mode: run it
 * {@code runs} times and measure every run) or {@code pid}, {@code process}, {@code service} or
 * {@code system} (attach mode: sample for {@code duration}).
 */
public record ProfileInputs(
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        @JsonPropertyDescription("Command mode: the program and its arguments as a list, e.g. [java, -jar, app.jar], "
                + "or one string run by sh -c when shell is true.")
        List<String> command,
        @JsonPropertyDescription("Run command as a shell command line (sh -c). Default false.")
        Boolean shell,
        @JsonPropertyDescription("Command mode: measured runs. Default 10.")
        Integer runs,
        @JsonPropertyDescription("Command mode: unmeasured warm-up runs before the measured ones. Default 1.")
        Integer warmup,
        @JsonPropertyDescription("Command mode: shell command run before every run (not measured), e.g. to reset state.")
        String prepare,
        @JsonPropertyDescription("Command mode: shell command run after every run (not measured).")
        String cleanup,
        @JsonPropertyDescription("Command mode: keep running past runs until the measured runs add up to this long, "
                + "e.g. 5s (at most 10000 runs). Default 0.")
        Duration minTime,
        @JsonPropertyDescription("Command mode: working directory, relative to the plan's directory.")
        String cwd,
        @JsonPropertyDescription("Command mode: environment variables for the command, on top of the plan's env.")
        Map<String, String> env,
        @JsonPropertyDescription("Attach mode: the process id to sample.")
        Long pid,
        @JsonPropertyDescription("Attach mode: a regular expression matched against process names and command lines; "
                + "all matching processes are sampled together.")
        String process,
        @JsonPropertyDescription("Attach mode: a service deployed by perfplan. Resolved by the deploy feature; "
                + "until it is available use pid or process.")
        String service,
        @JsonPropertyDescription("Attach mode: sample the whole machine (CPU, load, memory, disk and network rates).")
        Boolean system,
        @JsonPropertyDescription("Attach mode: time between samples, e.g. 100ms (at least 10ms). Default 100ms.")
        Duration interval,
        @JsonPropertyDescription("Attach mode: how long to sample, e.g. 30s. Default 10s.")
        Duration duration,
        @JsonPropertyDescription("Record with Java Flight Recorder and report hot methods, GC pauses, allocation rate and "
                + "contended monitors. Command mode: one extra, unmeasured run of a java command; attach mode: "
                + "jcmd on the JVM. Default false.")
        Boolean jfr) {

    public ProfileInputs {
        shell = shell != null && shell;
        system = system != null && system;
        jfr = jfr != null && jfr;
        runs = runs == null ? 10 : runs;
        warmup = warmup == null ? 1 : warmup;
        minTime = minTime == null ? Duration.ZERO : minTime;
        interval = interval == null ? Duration.ofMillis(100) : interval;
        duration = duration == null ? Duration.ofSeconds(10) : duration;
        command = command == null ? null : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);

        List<String> targets = new ArrayList<>();
        if (command != null) {
            targets.add("command");
        }
        if (pid != null) {
            targets.add("pid");
        }
        if (process != null) {
            targets.add("process");
        }
        if (service != null) {
            targets.add("service");
        }
        if (system) {
            targets.add("system");
        }
        if (targets.size() != 1) {
            throw new IllegalArgumentException(targets.isEmpty()
                    ? "profile needs a target: set command (to run and measure it) or pid, process, service or system: true (to sample)."
                    : "profile takes one target but got " + String.join(", ", targets) + "; keep only one of them.");
        }
        if (command != null) {
            if (command.isEmpty() || command.get(0).isBlank()) {
                throw new IllegalArgumentException("command is empty; give the program and its arguments, e.g. [sleep, \"1\"].");
            }
            if (shell && command.size() != 1) {
                throw new IllegalArgumentException("With shell: true, command must be one string (a shell command line), not a list.");
            }
            if (!shell && command.size() == 1 && command.get(0).strip().contains(" ")) {
                throw new IllegalArgumentException("command '" + command.get(0) + "' is one string; write it as a list "
                        + "(e.g. [" + String.join(", ", command.get(0).strip().split("\\s+")) + "]) or set shell: true.");
            }
        }
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, not " + runs + ".");
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be 0 or more, not " + warmup + ".");
        }
        if (command == null && interval.toMillis() < 10) {
            throw new IllegalArgumentException("interval " + interval.toMillis() + "ms is too short; use 10ms or more (100ms is typical).");
        }
        if (command == null && duration.compareTo(interval) < 0) {
            throw new IllegalArgumentException("duration must be at least one interval; sample for longer than " + interval.toMillis() + "ms.");
        }
        if (system && jfr) {
            throw new IllegalArgumentException("jfr records one JVM, not the whole system; use pid or process with jfr: true.");
        }
    }

    /** True for command mode, false for attach mode. */
    public boolean commandMode() {
        return command != null;
    }
}
