package io.perfplan.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The history database: an H2 file under {@code db/} by default (AUTO_SERVER, so several perfplan
 * processes can share it), or any JDBC URL (PostgreSQL for several nodes). Opening it migrates the
 * schema with Flyway and marks runs left {@code running} by a dead process as {@code interrupted}.
 */
public final class Database implements AutoCloseable {

    private final DataSource dataSource;
    private final Runnable closer;
    private final String url;

    private Database(DataSource dataSource, Runnable closer, String url) {
        this.dataSource = dataSource;
        this.closer = closer;
        this.url = url;
    }

    /** The default URL: an H2 file database in {@code <projectDir>/db/perfplan}. */
    public static String defaultUrl(Path projectDir) {
        Path base = projectDir.toAbsolutePath().normalize().resolve("db").resolve("perfplan");
        return "jdbc:h2:file:" + base + ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000";
    }

    /**
     * Opens, migrates and recovers, for one command of the CLI; throws {@link StoreException} with one
     * sentence on failure. An H2 database gets H2's own small connection pool, which starts in a
     * fraction of HikariCP's time (no pool threads, no logging set-up); other databases get HikariCP.
     */
    public static Database open(String url, String user, String password) {
        return open(url, user, password, ONE_SHOT_CONNECTIONS, url.startsWith("jdbc:h2:"));
    }

    /**
     * As {@link #open(String, String, String)}, with a HikariCP pool of up to {@code maxConnections},
     * for a long-running process (a scheduler needs more connections than a CLI run, and HikariCP's
     * health checks and leak detection).
     */
    public static Database open(String url, String user, String password, int maxConnections) {
        return open(url, user, password, maxConnections, false);
    }

    /** Connections of a one-shot command: the engine's writer, a parallel group's steps, a report reading. */
    private static final int ONE_SHOT_CONNECTIONS = 4;

    private static Database open(String url, String user, String password, int maxConnections, boolean light) {
        try {
            Optional<Path> h2File = h2File(url);
            if (h2File.isPresent()) {
                Path file = h2File.get();
                Files.createDirectories(file.getParent());
                // processes that start together take turns to open and migrate: H2 refuses a file whose
                // lock another opener touched a moment ago, and two Flyway runs must not race
                synchronized (Database.class) { // a FileLock is per process; threads take turns here
                    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                            file.resolveSibling(file.getFileName() + ".open.lock"),
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                         java.nio.channels.FileLock ignored = ch.lock()) {
                        return connect(url, user, password, maxConnections, light);
                    }
                }
            }
            return connect(url, user, password, maxConnections, light);
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot open the database " + redact(url) + ": " + rootMessage(e)
                    + "; check --db / PERFPLAN_DB, or delete a corrupt db/ folder", e);
        }
    }

    /**
     * The file of an H2 database on disk, whichever of H2's file systems the URL names
     * ({@code jdbc:h2:file:}, the {@code retry:} that {@code serve} uses, {@code nio:}, or none).
     */
    static Optional<Path> h2File(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String name = url.substring("jdbc:h2:".length()).split(";")[0];
        for (boolean stripped = true; stripped; ) {
            stripped = false;
            for (String fileSystem : List.of("file:", "retry:", "nio:", "nioMapped:", "async:", "split:")) {
                if (name.startsWith(fileSystem)) {
                    name = name.substring(fileSystem.length());
                    stripped = true;
                }
            }
        }
        if (name.isEmpty() || name.matches("^(mem|tcp|ssl|zip|memFS|memLZF|nioMemFS|nioMemLZF):.*")) {
            return Optional.empty();
        }
        if (name.startsWith("~")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        return Optional.of(Path.of(name).toAbsolutePath());
    }

    /**
     * The URL with {@code WRITE_DELAY=0} added for an H2 database on disk: H2 otherwise keeps commits
     * in memory for up to 500 ms before it writes them to the file, so a perfplan killed right after a
     * step lost runs and steps it had already reported as recorded. With 0 each commit reaches the
     * file (the OS's cache, no fsync) before the statement returns: safe from a killed or crashed
     * process, not from a power cut. A URL that sets WRITE_DELAY itself keeps its own.
     */
    static String durable(String url) {
        boolean h2OnDisk = url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:");
        return h2OnDisk && !url.toUpperCase(java.util.Locale.ROOT).contains(";WRITE_DELAY=") ? url + ";WRITE_DELAY=0" : url;
    }

    private static Database connect(String url, String user, String password, int maxConnections, boolean light) throws SQLException {
        Database db;
        if (light) {
            // H2 takes a null user as a missing property; DriverManager (HikariCP's path) passes none
            JdbcConnectionPool pool = JdbcConnectionPool.create(durable(url), user == null ? "" : user, password == null ? "" : password);
            pool.setMaxConnections(maxConnections);
            pool.setLoginTimeout(15);
            db = new Database(pool, pool::dispose, url);
        } else {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(durable(url));
            if (user != null) {
                config.setUsername(user);
            }
            if (password != null) {
                config.setPassword(password);
            }
            config.setMaximumPoolSize(maxConnections);
            config.setMinimumIdle(0);
            config.setPoolName("perfplan");
            // no connection in the constructor (Hikari would log its failure as an error): the first
            // query below gets one, retried while another process is handing the H2 file over
            config.setInitializationFailTimeout(-1);
            config.setConnectionTimeout(15_000);
            HikariDataSource ds = new HikariDataSource(config);
            db = new Database(ds, ds::close, url);
        }
        try {
            if (!db.schemaIsCurrent()) {
                db.migrate();
            }
            new RunRepository(db.dataSource).markInterrupted();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /**
     * The newest migration under {@code db/migration}; a test keeps it in step with the files.
     * Checking it first spares a CLI command Flyway's start-up (about half a second) when nothing is to migrate.
     */
    public static final int SCHEMA_VERSION = 5;

    private boolean schemaIsCurrent() {
        try {
            return DatabaseWork.run(dataSource, (c, attempt) -> {
                try (var st = c.createStatement();
                     var rs = st.executeQuery("SELECT MAX(CAST(\"version\" AS INT)), COUNT(DISTINCT \"version\") FROM \"flyway_schema_history\""
                             + " WHERE \"success\" = TRUE AND \"version\" IS NOT NULL")) {
                    // versions run 1..SCHEMA_VERSION without gaps, so both numbers must match
                    return rs.next() && rs.getInt(1) == SCHEMA_VERSION && rs.getInt(2) == SCHEMA_VERSION;
                } catch (SQLException e) {
                    if (DatabaseWork.isTransient(e)) {
                        throw e;
                    }
                    return false; // no history table yet: a new database
                }
            });
        } catch (SQLException e) {
            throw new StoreException("cannot open the database " + redact(url) + ": " + rootMessage(e)
                    + "; check --db / PERFPLAN_DB, or delete a corrupt db/ folder", e);
        }
    }

    private void migrate() {
        boolean postgres = url.startsWith("jdbc:postgresql:");
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .outOfOrder(true) // a database made by a build that lacked a lower version still gets it
                .placeholders(Map.of("text", postgres ? "TEXT" : "CLOB", "bytes", postgres ? "BYTEA" : "BLOB"))
                .loggers("slf4j")
                .load()
                .migrate();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    public RunRepository runs() {
        return new RunRepository(dataSource);
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        closer.run();
    }

    /** A JDBC URL without a password parameter, for messages. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    /** The innermost cause's message, first line only: what a user needs from a chain of wrapped exceptions. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
