package io.perfplan.engine;

/**
 * A metric an action publishes: a name relative to the step (e.g. {@code latency.p99}), its unit
 * and which way is better, so gates know what a regression is. A name ending in {@code .*}
 * documents a family (e.g. {@code errors.*}).
 */
public record MetricSpec(String name, Unit unit, Direction direction, String description) {}
