package io.perfplan.actions.optimize;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.perfplan.core.tuning.ConfigFile;
import io.perfplan.core.tuning.Configuration;
import io.perfplan.core.tuning.Improvement;
import io.perfplan.core.tuning.Objective;
import io.perfplan.core.tuning.Parameter;
import io.perfplan.core.tuning.ParameterSpace;
import io.perfplan.core.tuning.Strategy;
import io.perfplan.plan.Percent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Inputs of the {@code optimize} action. Trial commands receive parameter values through
 * placeholders written {@code {{trial.<name>}}} (not {@code ${...}}, which the engine evaluates
 * before the step runs); every placeholder must name a declared parameter.
 */
public record OptimizeInputs(
        @JsonProperty(required = true)
        @JsonPropertyDescription("The parameters to tune, by name: a list of values (e.g. [1, 2, 4, 8] or [256m, 512m]) or a "
                + "range {min, max, scale: linear|log, type: int|float, grid_points}.")
        Map<String, ParameterInput> parameters,
        @JsonProperty(required = true)
        @JsonPropertyDescription("How one configuration is measured: a command run `repeats` times with {{trial.<name>}} "
                + "placeholders in its arguments and env, or nested steps (trial.steps) run `repeats` times.")
        TrialInput trial,
        @JsonProperty(required = true)
        @JsonPropertyDescription("What to optimize: {metric: wall.median, goal: minimize}. Command trials: wall, cpu, user, "
                + "sys (ms per run), rss (bytes per run) or stdout (the number a run prints last), each with .mean, .median, "
                + ".min or .max. Nested steps: <step-id>.<metric>, e.g. load.latency.p99 (median over the runs).")
        ObjectiveInput objective,
        @JsonPropertyDescription("Today's configuration: a value for every parameter. It is measured too, and the winner is "
                + "applied only when it beats it; without it nothing is applied.")
        Map<String, String> current,
        @JsonPropertyDescription("grid, random, halving (successive halving over repeats) or auto (grid when the whole grid "
                + "fits the trial budget, else halving when repeats >= 4, else random). Default auto.")
        Strategy strategy,
        @JsonPropertyDescription("Limits of the search: {trials: 20, time: 10m}. The current configuration does not count "
                + "against trials (its time counts against time); the final comparison comes after the budget.")
        BudgetInput budget,
        @JsonPropertyDescription("Runs per configuration (of the last rung for halving). Default 5.")
        Integer repeats,
        @JsonPropertyDescription("Seed of random choices, so a search can be repeated. Default 42.")
        Long seed,
        @JsonPropertyDescription("When the winner counts as better: {min_improvement: 5%, alpha: 0.01, runs: 10}; runs is how "
                + "many fresh, interleaved runs of the winner and of the current configuration are compared.")
        AcceptInput accept,
        @JsonPropertyDescription("Where the accepted winner is written: {file: config/tuned.properties, format: "
                + "properties|json|yaml|env}. Written atomically; the previous content is kept so it can be undone.")
        ApplyInput apply) {

    public OptimizeInputs {
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException("optimize needs parameters to tune, e.g. parameters: {threads: [1, 2, 4, 8]}.");
        }
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        if (trial == null) {
            throw new IllegalArgumentException("optimize needs a trial: {command: [...]} with {{trial.<name>}} placeholders.");
        }
        if (objective == null) {
            throw new IllegalArgumentException("optimize needs an objective, e.g. objective: {metric: wall.median, goal: minimize}.");
        }
        current = current == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(current));
        strategy = strategy == null ? Strategy.AUTO : strategy;
        budget = budget == null ? new BudgetInput(null, null) : budget;
        repeats = repeats == null ? 5 : repeats;
        seed = seed == null ? 42L : seed;
        accept = accept == null ? new AcceptInput(null, null, null) : accept;
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, not " + repeats + ".");
        }
        ParameterSpace space = space(parameters);
        if (current != null) {
            space.configuration(current);
        }
        Set<String> used = new LinkedHashSet<>();
        for (String text : trial.texts()) {
            if (text.contains("${trial.")) {
                throw new IllegalArgumentException("the trial holds '${trial.' but trial values are written "
                        + "{{trial.<name>}} (${...} is evaluated by the engine before the step runs).");
            }
            used.addAll(Configuration.placeholders(text));
        }
        trial.env().values().forEach(v -> used.addAll(Configuration.placeholders(v)));
        if (trial.cwd() != null) {
            used.addAll(Configuration.placeholders(trial.cwd()));
        }
        for (String name : used) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("trial uses {{trial." + name + "}} but there is no parameter '" + name
                        + "'; declare it under parameters or use one of: " + String.join(", ", parameters.keySet()) + ".");
            }
        }
        if (used.isEmpty()) {
            throw new IllegalArgumentException("the trial uses no {{trial.<name>}} placeholder, so every trial "
                    + "would run the same; pass the parameters, e.g. \"--threads={{trial." + parameters.keySet().iterator().next() + "}}\".");
        }
        if (trial.steps() == null) {
            MetricChoice.parse(objective.metric());
        } else {
            String metric = objective.metric();
            int dot = metric.indexOf('.');
            String id = dot < 0 ? "" : metric.substring(0, dot);
            if (trial.steps().stream().noneMatch(s -> s.id().equals(id))) {
                throw new IllegalArgumentException("objective.metric '" + metric + "' must name a metric of a nested step as "
                        + "<step-id>.<metric>, with one of: " + String.join(", ", trial.steps().stream().map(NestedStepInput::id).toList())
                        + ", e.g. " + trial.steps().get(trial.steps().size() - 1).id() + ".latency.p99.");
            }
        }
        if (apply != null && current == null) {
            throw new IllegalArgumentException("apply needs current (today's configuration): the winner is written only when it "
                    + "beats the current configuration.");
        }
    }

    /** The parameter space the inputs describe, in declaration order. */
    public ParameterSpace space() {
        return space(parameters);
    }

    private static ParameterSpace space(Map<String, ParameterInput> parameters) {
        List<Parameter> out = new ArrayList<>();
        parameters.forEach((name, p) -> out.add(p.toParameter(name)));
        return new ParameterSpace(out);
    }

    /**
     * One parameter: a list of values, or a numeric range. Written as a list ({@code [1, 2, 4]}) or a
     * mapping ({@code {min: 10, max: 1000, scale: log, type: int}} or {@code {values: [...]}}).
     */
    public record ParameterInput(
            @JsonPropertyDescription("The values to try, e.g. [1, 2, 4, 8] or [256m, 512m, 1g].")
            List<String> values,
            @JsonPropertyDescription("Range: smallest value.")
            Double min,
            @JsonPropertyDescription("Range: largest value.")
            Double max,
            @JsonPropertyDescription("Range: linear (even steps) or log (even ratios; needs min > 0). Default linear.")
            Parameter.Scale scale,
            @JsonPropertyDescription("Range: int or float. Default float.")
            Parameter.NumberType type,
            @JsonPropertyDescription("Range: how many values a grid search tries. Default 5.")
            Integer gridPoints) {

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public ParameterInput {
            values = values == null ? null : List.copyOf(values);
        }

        /** The list form: {@code threads: [1, 2, 4, 8]}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static ParameterInput of(List<String> values) {
            return new ParameterInput(values, null, null, null, null, null);
        }

        Parameter toParameter(String name) {
            boolean range = min != null || max != null || scale != null || type != null || gridPoints != null;
            if (values != null && range) {
                throw new IllegalArgumentException("Parameter '" + name + "' has both values and a range; give one of them.");
            }
            if (values != null) {
                return new Parameter.Choice(name, values);
            }
            if (min == null || max == null) {
                throw new IllegalArgumentException("Parameter '" + name + "' needs values (a list) or a range with both min and max.");
            }
            return new Parameter.Range(name, min, max, scale, type, gridPoints == null ? 5 : gridPoints);
        }
    }

    /** How one trial runs: a command, or nested steps. */
    public record TrialInput(
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            @JsonPropertyDescription("The program and its arguments with {{trial.<name>}} placeholders, e.g. [java, "
                    + "\"-Xmx{{trial.heap}}\", -jar, app.jar]; or one string run by sh -c when shell is true.")
            List<String> command,
            @JsonPropertyDescription("Run command as a shell command line (sh -c). Default false.")
            Boolean shell,
            @JsonPropertyDescription("Working directory, relative to the plan's directory.")
            String cwd,
            @JsonPropertyDescription("Environment variables for the command (placeholders allowed), on top of the plan's env.")
            Map<String, String> env,
            @JsonPropertyDescription("Unmeasured warm-up runs before each trial's measured runs. Default 0.")
            Integer warmup,
            @JsonPropertyDescription("Longest one run may take before it is killed and the trial fails, e.g. 30s. "
                    + "Default: the step's remaining time.")
            Duration timeout,
            @JsonPropertyDescription("Instead of command: steps run in order once per run, e.g. a deploy with the trial's "
                    + "settings then a loadtest; {{trial.<name>}} is replaced in their inputs, and objective.metric names "
                    + "a metric of one of them as <id>.<metric>.")
            List<NestedStepInput> steps) {

        public TrialInput {
            shell = shell != null && shell;
            env = env == null ? Map.of() : Map.copyOf(env);
            warmup = warmup == null ? 0 : warmup;
            if (steps != null) {
                if (command != null) {
                    throw new IllegalArgumentException("trial has both command and steps; give one of them.");
                }
                if (steps.isEmpty()) {
                    throw new IllegalArgumentException("trial.steps is empty; list the steps of one trial, e.g. a deploy and a loadtest.");
                }
                steps = List.copyOf(steps);
                Set<String> ids = new LinkedHashSet<>();
                for (NestedStepInput s : steps) {
                    if (!ids.add(s.id())) {
                        throw new IllegalArgumentException("trial.steps has the id '" + s.id() + "' twice; make the ids unique.");
                    }
                }
                command = List.of();
            } else if (command == null || command.isEmpty() || command.get(0).isBlank()) {
                throw new IllegalArgumentException("trial.command is empty; give the program and its arguments, e.g. "
                        + "[sh, run.sh, \"{{trial.threads}}\"], or give trial.steps.");
            }
            command = List.copyOf(command);
            if (shell && command.size() != 1) {
                throw new IllegalArgumentException("With shell: true, trial.command must be one string (a shell command line), not a list.");
            }
            if (!shell && command.size() == 1 && command.get(0).strip().contains(" ")) {
                throw new IllegalArgumentException("trial.command '" + command.get(0) + "' is one string; write it as a list "
                        + "or set shell: true.");
            }
            if (warmup < 0) {
                throw new IllegalArgumentException("trial.warmup must be 0 or more, not " + warmup + ".");
            }
        }

        /** Every text of the trial that may hold placeholders: arguments, env values, cwd and nested steps' inputs. */
        List<String> texts() {
            List<String> out = new ArrayList<>(command);
            out.addAll(env.values());
            if (cwd != null) {
                out.add(cwd);
            }
            if (steps != null) {
                steps.forEach(s -> collect(s.with(), out));
            }
            return out;
        }

        private static void collect(Object value, List<String> out) {
            if (value instanceof String s) {
                out.add(s);
            } else if (value instanceof Map<?, ?> m) {
                m.values().forEach(v -> collect(v, out));
            } else if (value instanceof List<?> l) {
                l.forEach(v -> collect(v, out));
            }
        }
    }

    /** One step of a trial. */
    public record NestedStepInput(
            @JsonProperty(required = true)
            @JsonPropertyDescription("Id, unique within the trial; objective.metric refers to it.")
            String id,
            @JsonProperty(required = true)
            @JsonPropertyDescription("The action to run, e.g. exec, deploy or loadtest.")
            String action,
            @JsonPropertyDescription("The action's inputs, with {{trial.<name>}} placeholders. ${...} expressions are "
                    + "evaluated before the optimize step starts, so they cannot refer to other nested steps.")
            Map<String, Object> with) {

        public NestedStepInput {
            if (id == null || !id.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("a trial step has the id '" + id + "'; use letters, digits, '_' or '-'.");
            }
            with = with == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(with));
        }
    }

    /** What is optimized. */
    public record ObjectiveInput(
            @JsonProperty(required = true)
            @JsonPropertyDescription("The trial metric: wall, cpu, user, sys, rss or stdout with .mean, .median, .min or .max, "
                    + "e.g. wall.median; for nested steps <step-id>.<metric>.")
            String metric,
            @JsonPropertyDescription("minimize or maximize. Default minimize.")
            Objective.Goal goal) {

        public ObjectiveInput {
            goal = goal == null ? Objective.Goal.MINIMIZE : goal;
            if (metric == null || metric.isBlank()) {
                throw new IllegalArgumentException("objective.metric is empty; name a trial metric, e.g. wall.median.");
            }
        }
    }

    /** Search limits. */
    public record BudgetInput(
            @JsonPropertyDescription("Most candidate trials. Default 20.")
            Integer trials,
            @JsonPropertyDescription("No new trial starts after this long, e.g. 15m. Default 10m.")
            Duration time) {

        public BudgetInput {
            trials = trials == null ? 20 : trials;
            time = time == null ? Duration.ofMinutes(10) : time;
            if (trials < 1) {
                throw new IllegalArgumentException("budget.trials must be at least 1, not " + trials + ".");
            }
            if (time.isNegative() || time.isZero()) {
                throw new IllegalArgumentException("budget.time must be positive, e.g. 15m.");
            }
        }
    }

    /** When a winner is applied. */
    public record AcceptInput(
            @JsonPropertyDescription("Smallest gain of the objective worth applying, e.g. 5%. Default 5%.")
            Percent minImprovement,
            @JsonPropertyDescription("Significance level of the one-sided Mann-Whitney test, e.g. 0.01. Default 0.01.")
            Double alpha,
            @JsonPropertyDescription("Fresh runs of the winner and of the current configuration, interleaved, for the "
                    + "comparison. Default: repeats, at least 5 and at least what alpha needs (7 for 0.001).")
            Integer runs) {

        public AcceptInput {
            minImprovement = minImprovement == null ? new Percent(5) : minImprovement;
            alpha = alpha == null ? 0.01 : alpha;
            if (minImprovement.value() < 0) {
                throw new IllegalArgumentException("accept.min_improvement must be 0% or more, not " + minImprovement + ".");
            }
            if (!(alpha > 0 && alpha < 0.5)) {
                throw new IllegalArgumentException("accept.alpha " + alpha + " must lie between 0 and 0.5, e.g. 0.01.");
            }
            int needed = Improvement.minRunsPerSide(alpha);
            if (runs != null && runs < needed) {
                throw new IllegalArgumentException("accept.runs " + runs + " can never reach alpha " + alpha + " (with " + runs
                        + " runs a side the smallest p-value is above it); use at least " + needed + ".");
            }
        }

        int runsFor(int repeats) {
            return runs != null ? runs : Math.max(Math.max(repeats, 5), Improvement.minRunsPerSide(alpha));
        }
    }

    /** Where the winner goes. */
    public record ApplyInput(
            @JsonProperty(required = true)
            @JsonPropertyDescription("The file to write, relative to the plan's directory, e.g. config/tuned.properties.")
            String file,
            @JsonPropertyDescription("properties, json, yaml or env. Default: from the file's extension, else properties.")
            ConfigFile.Format format) {

        public ApplyInput {
            if (file == null || file.isBlank()) {
                throw new IllegalArgumentException("apply.file is empty; name the file to write, e.g. config/tuned.properties.");
            }
            if (format == null) {
                String f = file.toLowerCase(Locale.ROOT);
                format = f.endsWith(".json") ? ConfigFile.Format.JSON
                        : f.endsWith(".yaml") || f.endsWith(".yml") ? ConfigFile.Format.YAML
                        : f.endsWith(".env") ? ConfigFile.Format.ENV : ConfigFile.Format.PROPERTIES;
            }
        }
    }
}
