package io.perfplan.schedule;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;

/**
 * Gives Quartz's job store connections from perfplan's own pool, so Quartz opens no pool of its own.
 * Quartz calls {@link #shutdown()} when its scheduler stops; the pool belongs to the database, which
 * closes it.
 */
final class DataSourceConnections implements ConnectionProvider {

    private final DataSource dataSource;

    DataSourceConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void shutdown() {
        // the Database owns the pool
    }

    @Override
    public void initialize() {
        // nothing to set up
    }
}
