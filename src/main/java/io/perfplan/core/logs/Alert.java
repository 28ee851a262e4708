package io.perfplan.core.logs;

import java.time.Instant;

/**
 * An alert that fired.
 *
 * @param rule     the rule's name
 * @param severity the rule's severity
 * @param message  one sentence: the condition and the values that made it hold
 * @param firedAt  when it fired
 */
public record Alert(String rule, String severity, String message, Instant firedAt) {}
