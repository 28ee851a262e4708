package io.perfplan.engine;

/** The unit a metric value is stored in. Threshold values written in other units are converted to it. */
public enum Unit {
    MICROSECONDS("us"), MILLISECONDS("ms"), SECONDS("s"),
    BYTES("B"), PERCENT("%"), PER_SECOND("/s"), COUNT(""), RATIO("x");

    private final String symbol;

    Unit(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public static Unit fromSymbol(String symbol) {
        for (Unit u : values()) {
            if (u.symbol.equals(symbol) || u.name().equalsIgnoreCase(symbol)) {
                return u;
            }
        }
        throw new IllegalArgumentException("unknown unit '" + symbol + "'");
    }
}
