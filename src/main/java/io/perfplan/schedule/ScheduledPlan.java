package io.perfplan.schedule;

import java.time.Instant;
import java.util.List;

/**
 * A plan as the scheduler holds it: its schedule, the file it came from, the Quartz trigger state
 * ({@code NORMAL}, {@code BLOCKED} while a queued plan's run is going, {@code PAUSED}, ...) and its
 * next fire times (empty when the cron expression never fires again).
 */
public record ScheduledPlan(String plan, String cron, String timezone, String overlap, String misfire, String file,
                            String state, Instant previousFire, List<Instant> nextFires) {}
