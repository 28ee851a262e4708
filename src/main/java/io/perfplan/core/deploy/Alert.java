package io.perfplan.core.deploy;

import java.time.Instant;

/**
 * Something a person should hear about: a failed deployment, a rollback. Channels send it as a log
 * line or as a JSON body ({@link #toJsonFields()} names the fields).
 *
 * @param event           {@code deploy_failed}, {@code rolled_back}, {@code rollback_failed}
 * @param service         the service
 * @param environment     its environment
 * @param version         the version the event is about (the one that failed, or the one rolled back to)
 * @param previousVersion the version before, or null
 * @param message         one sentence saying what happened
 * @param runId           the perfplan run, or null
 * @param plan            the plan, or null
 * @param at              when it happened
 */
public record Alert(String event, String service, String environment, String version, String previousVersion,
                    String message, String runId, String plan, Instant at) {

    /** The JSON object a webhook receives (snake_case keys, {@code at} as ISO-8601 text). */
    public java.util.Map<String, Object> toJsonFields() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("source", "perfplan");
        m.put("event", event);
        m.put("service", service);
        m.put("environment", environment);
        m.put("version", version);
        m.put("previous_version", previousVersion);
        m.put("message", message);
        m.put("run_id", runId);
        m.put("plan", plan);
        m.put("at", at.toString());
        return m;
    }

    /** One line for logs. */
    public String toLine() {
        return "ALERT " + event + " " + service + "@" + environment + " " + version + ": " + message;
    }
}
