package io.perfplan.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of the plan format (v1), their JSON types and documentation: the one table the loader
 * checks keys against, and the JSON Schema and the README reference are generated from.
 */
public final class PlanFormat {

    /** One key of a plan mapping. {@code type} is a JSON Schema type or one of the named shapes below. */
    public record Field(String name, String type, boolean required, String description) {}

    public static final String ID_PATTERN = "[a-z0-9][a-z0-9_-]*";

    public static final List<Field> PLAN = List.of(
            new Field("plan", "id", true, "Name of the plan: lower-case letters, digits, '-' and '_'."),
            new Field("description", "string", false, "What the plan is for."),
            new Field("params", "params", false, "Inputs set with `perfplan run -p name=value`: {name: {default, type, required, description}}."),
            new Field("vars", "object", false, "Values computed once at run start; may use ${params.x} and earlier vars."),
            new Field("env", "object", false, "Environment variables for every command the plan starts."),
            new Field("secrets", "string-list", false, "Names of environment variables whose values are masked everywhere."),
            new Field("scripts", "string-list", false, "Groovy extension files this plan uses."),
            new Field("schedule", "schedule", false, "When `perfplan serve` runs the plan."),
            new Field("timeout", "duration", false, "Deadline for the whole run, e.g. 30m; running steps are cancelled and `finally` runs."),
            new Field("retention", "retention", false, "How long runs of this plan are kept: {keep: 90d}."),
            new Field("steps", "steps", true, "The steps, run in order; a `parallel:` entry runs its steps together."),
            new Field("finally", "steps", false, "Steps that always run at the end, after failure or cancellation too."));

    public static final List<Field> STEP = List.of(
            new Field("id", "id", true, "Unique step id; later steps and gates refer to it."),
            new Field("action", "string", true, "The action to invoke (see `perfplan actions`)."),
            new Field("with", "object", false, "The action's inputs."),
            new Field("if", "expression", false, "Run only when true; default: all earlier steps passed. Functions: success(), failure(), always(), passed(id), failed(id)."),
            new Field("timeout", "duration", false, "Cancel the step after this long, e.g. 2m."),
            new Field("retry", "retry", false, "Try again on failure: {attempts, delay, backoff, until}."),
            new Field("continue_on_error", "boolean", false, "A failure of this step does not fail the run."),
            new Field("outputs", "object", false, "Named values exported from the step, usually expressions over its own result."),
            new Field("description", "string", false, "What the step is for."));

    public static final List<Field> PARALLEL = List.of(
            new Field("parallel", "steps", true, "Steps that start together; the group ends when all of them have ended."));

    public static final List<Field> RETRY = List.of(
            new Field("attempts", "integer", true, "How many times to run the step at most (including the first)."),
            new Field("delay", "duration", false, "Wait before the next attempt (default 1s)."),
            new Field("backoff", "number", false, "Multiply the delay by this after each attempt (default 1)."),
            new Field("until", "expression", false, "Retry until this is true, e.g. ${metrics['latency.p95'] < 200}; names: status, outputs, metrics, attempt."));

    public static final List<Field> SCHEDULE = List.of(
            new Field("cron", "string", true, "Quartz cron expression (seconds first), e.g. \"0 0 2 * * ?\"."),
            new Field("timezone", "string", false, "Time zone of the cron expression (default UTC)."),
            new Field("overlap", "enum:skip,queue,allow", false, "What to do when the previous run is still going (default skip)."),
            new Field("misfire", "enum:run-once,skip", false, "After downtime: run once, or skip missed fire times (default run-once)."));

    public static final List<Field> PARAM = List.of(
            new Field("default", "any", false, "Value used when -p does not set it."),
            new Field("type", "enum:string,int,number,boolean", false, "Type the value must have (default string)."),
            new Field("required", "boolean", false, "The run refuses to start without it (default: required when there is no default)."),
            new Field("description", "string", false, "What the parameter is for."));

    public static final List<Field> RETENTION = List.of(
            new Field("keep", "string", true, "Age after which runs are pruned, e.g. 90d."));

    private PlanFormat() {}

    /** The named shapes, for the schema generator. */
    public static Map<String, List<Field>> shapes() {
        Map<String, List<Field>> m = new LinkedHashMap<>();
        m.put("plan", PLAN);
        m.put("step", STEP);
        m.put("parallel", PARALLEL);
        m.put("retry", RETRY);
        m.put("schedule", SCHEDULE);
        m.put("param", PARAM);
        m.put("retention", RETENTION);
        return m;
    }

    public static List<String> names(List<Field> fields) {
        return fields.stream().map(Field::name).toList();
    }
}
