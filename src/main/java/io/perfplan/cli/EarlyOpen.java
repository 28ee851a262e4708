package io.perfplan.cli;

import io.perfplan.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Opens the history for {@code perfplan run} while picocli is still building the command line (a
 * tenth of a second of a cold start), so that opening overlaps with it as well as with reading the
 * plan. Only an H2 file that exists already is opened this early: a command line that turns out to
 * be wrong must neither create a database nor wait for a server that does not answer. {@link
 * RunCommand} takes the open database when the URL it resolves is the same; otherwise it is closed
 * when the command ends.
 */
final class EarlyOpen {

    private record Pending(String url, CompletableFuture<Database> database) {}

    private static Pending pending;

    private EarlyOpen() {}

    /** Starts opening the history when {@code args} are a {@code run} that will need it. */
    static synchronized void begin(String[] args) {
        if (args.length < 2 || !args[0].equals("run")) {
            return;
        }
        String db = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help") || a.equals("--dry-run") || a.equals("-V") || a.equals("--version")) {
                return;
            }
            if (a.equals("--db") && i + 1 < args.length) {
                db = args[++i];
            } else if (a.startsWith("--db=")) {
                db = a.substring("--db=".length());
            }
        }
        String url = Common.url(db, Path.of(""));
        if (!existingH2File(url)) {
            return;
        }
        pending = new Pending(url, CompletableFuture.supplyAsync(() -> Common.open(url)));
    }

    /** The history being opened for {@code url}, if {@link #begin} started it; the caller closes it. */
    static synchronized Optional<CompletableFuture<Database>> take(String url) {
        if (pending == null || !pending.url().equals(url)) {
            return Optional.empty();
        }
        CompletableFuture<Database> database = pending.database();
        pending = null;
        return Optional.of(database);
    }

    /** Closes a history that was opened early and not taken (the command line was wrong or not a run). */
    static synchronized void discard() {
        if (pending != null) {
            pending.database().handle((database, failure) -> {
                if (database != null) {
                    database.close();
                }
                return null;
            }).join();
            pending = null;
        }
    }

    private static boolean existingH2File(String url) {
        if (!url.startsWith("jdbc:h2:file:")) {
            return false;
        }
        String base = url.substring("jdbc:h2:file:".length()).split(";")[0];
        return Files.isRegularFile(Path.of(base + ".mv.db"));
    }
}
