package io.perfplan.script;

import java.util.OptionalInt;

/**
 * An expression that cannot be compiled or evaluated. The message is one sentence for the user,
 * without position; {@link #line()} and {@link #column()} locate the problem inside the expression
 * text (1-based, the text between {@code ${} and {@code }}) when Groovy or the sandbox knows it,
 * so the caller can add the plan file's own line and column.
 */
public final class ExpressionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong; {@link #SYNTAX} and static {@link #SANDBOX} problems come from {@code compile}. */
    public enum Kind {
        /** The text is not valid Groovy, or names a class that does not exist. */
        SYNTAX,
        /** The expression tried something the sandbox forbids (seen at compile time or at run time). */
        SANDBOX,
        /** The expression ran longer than the compiler's time limit. */
        TIMEOUT,
        /** The expression failed while running (null value, missing name, wrong type, ...). */
        RUNTIME
    }

    private final Kind kind;
    private final int line;
    private final int column;

    ExpressionException(Kind kind, String message, int line, int column, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.line = line;
        this.column = column;
    }

    ExpressionException(Kind kind, String message) {
        this(kind, message, -1, -1, null);
    }

    public Kind kind() {
        return kind;
    }

    /** True when the sandbox refused the expression, whether at compile time or at run time. */
    public boolean isSandboxViolation() {
        return kind == Kind.SANDBOX;
    }

    /** 1-based line inside the expression text, when known. */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }

    /** 1-based column inside the expression text's {@link #line()}, when known. */
    public OptionalInt column() {
        return column > 0 ? OptionalInt.of(column) : OptionalInt.empty();
    }
}
