package io.perfplan.cli;

import picocli.CommandLine.Option;

/** Options every command that touches the history shares. */
public final class Common {

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "History database (default: $PERFPLAN_DB, else an H2 file in ./db). E.g. jdbc:postgresql://host/perfplan")
    String db;

    @Option(names = "--debug", description = "Show stack traces of internal errors.")
    boolean debug;

    /** The JDBC URL to use: --db, then PERFPLAN_DB, then the H2 file of the project. */
    String url(java.nio.file.Path projectDir) {
        return url(db, projectDir);
    }

    /** The JDBC URL for a {@code --db} value (null when not given). */
    static String url(String db, java.nio.file.Path projectDir) {
        if (db != null && !db.isBlank()) {
            return db;
        }
        String env = System.getenv("PERFPLAN_DB");
        if (env != null && !env.isBlank()) {
            return env;
        }
        return io.perfplan.store.Database.defaultUrl(projectDir);
    }

    /** What a history command does with the open database and its output; returns the exit code. */
    @FunctionalInterface
    interface DatabaseWork {
        int apply(io.perfplan.store.Database db, java.io.PrintWriter out) throws Exception;
    }

    /**
     * Opens the history of the project in the working folder for {@code work}, closes it afterwards and
     * flushes the command's output: what every command that reads or changes the history does.
     */
    int withDatabase(picocli.CommandLine.Model.CommandSpec spec, DatabaseWork work) throws Exception {
        java.io.PrintWriter out = spec.commandLine().getOut();
        try (io.perfplan.store.Database db = open(java.nio.file.Path.of(""))) {
            return work.apply(db, out);
        } finally {
            out.flush();
        }
    }

    io.perfplan.store.Database open(java.nio.file.Path projectDir) {
        return open(url(projectDir));
    }

    static io.perfplan.store.Database open(String url) {
        return io.perfplan.store.Database.open(url, System.getenv("PERFPLAN_DB_USER"), System.getenv("PERFPLAN_DB_PASSWORD"));
    }
}
