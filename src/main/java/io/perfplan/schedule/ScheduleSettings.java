package io.perfplan.schedule;

import java.time.Duration;

/**
 * How {@code perfplan serve} runs Quartz. {@code clustered} shares the schedules between nodes of one
 * PostgreSQL database (each firing runs on one node); {@code misfireThreshold} is how late a firing
 * may start before it counts as missed and the plan's {@code misfire} rule decides; {@code grace} is
 * how long running runs may finish after a stop request before they are cancelled.
 */
public record ScheduleSettings(boolean clustered, int threads, Duration misfireThreshold, Duration checkinInterval,
                               Duration pollInterval, Duration grace) {

    public ScheduleSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (misfireThreshold.isNegative() || checkinInterval.isNegative() || pollInterval.isNegative() || grace.isNegative()) {
            throw new IllegalArgumentException("scheduler durations must not be negative");
        }
    }

    /** Defaults: 10 runs at once, a firing more than 60 s late is a misfire, the folder checked every second, 60 s grace. */
    public static ScheduleSettings defaults(boolean clustered) {
        return new ScheduleSettings(clustered, 10, Duration.ofSeconds(60), Duration.ofMillis(7500), Duration.ofSeconds(1),
                Duration.ofSeconds(60));
    }

    public ScheduleSettings withMisfireThreshold(Duration d) {
        return new ScheduleSettings(clustered, threads, d, checkinInterval, pollInterval, grace);
    }

    public ScheduleSettings withCheckinInterval(Duration d) {
        return new ScheduleSettings(clustered, threads, misfireThreshold, d, pollInterval, grace);
    }

    public ScheduleSettings withPollInterval(Duration d) {
        return new ScheduleSettings(clustered, threads, misfireThreshold, checkinInterval, d, grace);
    }

    public ScheduleSettings withGrace(Duration d) {
        return new ScheduleSettings(clustered, threads, misfireThreshold, checkinInterval, pollInterval, d);
    }

    public ScheduleSettings withThreads(int n) {
        return new ScheduleSettings(clustered, n, misfireThreshold, checkinInterval, pollInterval, grace);
    }
}
