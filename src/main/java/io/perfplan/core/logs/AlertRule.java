package io.perfplan.core.logs;

import io.perfplan.core.stats.Threshold;

import java.time.Duration;
import java.util.List;

/**
 * A condition watched during an observation window: it fires once when {@code when} has held at every
 * evaluation for at least {@code holdFor} (zero: at the first evaluation where it holds), and may fire
 * again only after it stopped holding.
 *
 * @param name     shown in notifications and stored; defaults to the condition's text
 * @param when     the condition, in the syntax of gate thresholds (e.g. {@code system.cpu.mean > 90%})
 * @param holdFor  how long the condition must hold before the alert fires
 * @param severity e.g. warning or critical
 * @param channels where to notify: {@code log}, {@code webhook}
 */
public record AlertRule(String name, Threshold when, Duration holdFor, String severity, List<String> channels) {

    public AlertRule {
        channels = List.copyOf(channels);
        if (holdFor.isNegative()) {
            throw new IllegalArgumentException("alert '" + name + "': for must not be negative");
        }
    }
}
