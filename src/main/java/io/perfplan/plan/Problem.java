package io.perfplan.plan;

import java.nio.file.Path;

/**
 * One thing wrong with a plan, printed as {@code file:line:col: message}. A message longer than
 * {@value #MAX_MESSAGE_CHARS} characters (it quotes a huge value) is shortened in the middle, so its
 * start and its advice at the end stay readable.
 */
public record Problem(Path file, Pos pos, String message) {

    public static final int MAX_MESSAGE_CHARS = 1000;

    public Problem {
        if (message != null && message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, 700) + " [... " + (message.length() - 900) + " characters left out ...] "
                    + message.substring(message.length() - 200);
        }
    }

    @Override
    public String toString() {
        String where = file == null ? "<plan>" : file.toString();
        return pos.line() > 0 ? where + ":" + pos + ": " + message : where + ": " + message;
    }
}
