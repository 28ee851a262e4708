package io.perfplan.script;

/**
 * A Groovy script that does not compile, defines an action wrongly, or failed while running; it
 * carries the script's file, line and column (0 when unknown) and prints as {@code file:line:col: reason}.
 */
public final class ScriptException extends RuntimeException {

    private final String file;
    private final int line;
    private final int column;
    private final String reason;

    public ScriptException(String file, int line, int column, String reason, Throwable cause) {
        super(where(file, line, column) + reason, cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    private static String where(String file, int line, int column) {
        if (line <= 0) {
            return file + ": ";
        }
        return file + ":" + line + (column > 0 ? ":" + column : "") + ": ";
    }

    /** The script's name as the user wrote it (a path relative to the project, or a description of an inline script). */
    public String file() {
        return file;
    }

    /** Line in the script, from 1; 0 when unknown. */
    public int line() {
        return line;
    }

    /** Column in the script, from 1; 0 when unknown. */
    public int column() {
        return column;
    }

    /** The message without the location. */
    public String reason() {
        return reason;
    }
}
