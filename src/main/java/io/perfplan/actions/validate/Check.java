package io.perfplan.actions.validate;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One line of the verdict table: what was checked, what was seen, what it was held against, and
 * the verdict. Numbers are in the metric's unit; NaN means "not applicable".
 *
 * @param kind threshold, regression or history
 * @param limit the limit as text ({@code < 250 ms}), for thresholds and regression limits
 * @param baseline the baseline's median or window mean, for regression and history checks
 * @param change candidate / baseline - 1
 * @param verdict pass, fail, inconclusive
 * @param noData true when the verdict stands for "too little data" (on_no_data decided it)
 * @param note one sentence saying why
 */
record Check(String check, String kind, double observed, String unit, String limit, double baseline, double change,
             double pValue, String verdict, boolean noData, String note) {

    static final String PASS = "pass";
    static final String FAIL = "fail";
    static final String INCONCLUSIVE = "inconclusive";

    boolean failed() {
        return verdict.equals(FAIL);
    }

    /** The map published in the step's {@code checks} output (and read back by {@code run --junit}). */
    Map<String, Object> toOutput() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", check);
        m.put("kind", kind);
        m.put("observed", finite(observed));
        m.put("unit", unit);
        m.put("limit", limit);
        m.put("baseline", finite(baseline));
        m.put("change", finite(change));
        m.put("p_value", finite(pValue));
        m.put("verdict", verdict);
        m.put("note", note);
        return m;
    }

    /** One row of the verdict table printed to the log. */
    String[] row() {
        String seen = Double.isNaN(observed) && kind.equals("threshold") ? note : withUnit(observed);
        String against;
        if (!Double.isNaN(baseline)) {
            against = withUnit(baseline) + (limit == null ? "" : " (limit " + limit + ")");
        } else if (limit != null && !(Double.isNaN(observed) && kind.equals("threshold"))) {
            against = limit;
        } else {
            against = "-";
        }
        return new String[] {check, seen, against, percent(change), Double.isNaN(pValue) ? "-" : number(pValue),
                verdict.toUpperCase(Locale.ROOT)};
    }

    private String withUnit(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return number(v) + (unit == null || unit.isEmpty() || unit.equals("count") ? "" : unit.startsWith("/") || unit.equals("%") ? unit : " " + unit);
    }

    private static Double finite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        double magnitude = Math.abs(v);
        if (magnitude != 0 && (magnitude < 0.001 || magnitude >= 1e9)) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    static String percent(double fraction) {
        if (Double.isNaN(fraction)) {
            return "-";
        }
        if (Double.isInfinite(fraction)) {
            return fraction > 0 ? "+inf%" : "-inf%";
        }
        return String.format(Locale.ROOT, "%+.1f%%", fraction * 100);
    }
}
