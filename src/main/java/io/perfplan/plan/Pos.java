package io.perfplan.plan;

/** A line and column in a plan file, both from 1. */
public record Pos(int line, int col) {

    public static final Pos NONE = new Pos(0, 0);

    @Override
    public String toString() {
        return line + ":" + col;
    }
}
