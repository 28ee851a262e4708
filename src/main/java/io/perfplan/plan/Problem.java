package io.perfplan.plan;

import java.nio.file.Path;

/** One thing wrong with a plan, printed as {@code file:line:col: message}. */
public record Problem(Path file, Pos pos, String message) {

    @Override
    public String toString() {
        String where = file == null ? "<plan>" : file.toString();
        return pos.line() > 0 ? where + ":" + pos + ": " + message : where + ": " + message;
    }
}
