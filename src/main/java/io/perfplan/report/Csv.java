package io.perfplan.report;

import java.io.PrintWriter;
import java.util.List;

/**
 * Comma-separated values as RFC 4180 writes them: a header line, then one line per row; a cell
 * holding a comma, a quote or a line break is quoted, its quotes doubled. Null cells are empty.
 */
public final class Csv {

    private Csv() {}

    public static void write(PrintWriter out, List<String> header, List<? extends List<?>> rows) {
        line(out, header);
        for (List<?> r : rows) {
            line(out, r);
        }
        out.flush();
    }

    private static void line(PrintWriter out, List<?> cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(cell(cells.get(i)));
        }
        out.print(b);
        out.print("\r\n");
    }

    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String s = value instanceof Double d ? number(d) : value.toString();
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
