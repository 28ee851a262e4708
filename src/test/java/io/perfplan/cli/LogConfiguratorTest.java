package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.FilterReply;
import java.sql.SQLException;
import org.h2.api.ErrorCode;
import org.h2.message.DbException;
import org.junit.jupiter.api.Test;

/** Quartz's ERRORs about a database failure that passes are not printed; its other errors, and ours, are. */
class LogConfiguratorTest {

    @Test
    void quartzErrorsAboutAHandedOverDatabaseAreHiddenAndOthersShown() throws Exception {
        LoggerContext context = new LoggerContext();
        try {
            new LogConfigurator().configure(context);
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            @SuppressWarnings("unchecked")
            Appender<ch.qos.logback.classic.spi.ILoggingEvent> stderr =
                    (Appender<ch.qos.logback.classic.spi.ILoggingEvent>) (Appender<?>) root.getAppender("stderr");
            Logger quartz = context.getLogger("org.quartz.impl.jdbcjobstore.JobStoreTX");
            SQLException atShutdown = DbException.get(ErrorCode.DATABASE_CALLED_AT_SHUTDOWN).getSQLException();

            assertThat(stderr.getFilterChainDecision(event(quartz, "Couldn't rollback jdbc connection. ", atShutdown)))
                    .isEqualTo(FilterReply.DENY);
            assertThat(stderr.getFilterChainDecision(event(quartz, "a real problem", new SQLException("disk full", "HY000"))))
                    .isEqualTo(FilterReply.NEUTRAL);
            assertThat(stderr.getFilterChainDecision(event(context.getLogger("io.perfplan.store"), "ours", atShutdown)))
                    .isEqualTo(FilterReply.NEUTRAL);
            Logger store = context.getLogger(io.perfplan.schedule.RetryingJobStore.class.getName()); // Quartz's store, by its class
            SQLException closedHandle = hikariClosedHandle();
            assertThat(stderr.getFilterChainDecision(event(store, "Couldn't rollback jdbc connection. Connection is closed", closedHandle)))
                    .isEqualTo(FilterReply.DENY);
            Exception interrupted = new org.quartz.JobPersistenceException("Unexpected runtime exception",
                    new IllegalStateException("Received interrupted exception", new InterruptedException("sleep interrupted")));
            assertThat(stderr.getFilterChainDecision(event(context.getLogger("org.quartz.core.ErrorLogger"), "while firing", interrupted)))
                    .isEqualTo(FilterReply.DENY);
        } finally {
            context.stop();
        }
    }

    private static LoggingEvent event(Logger logger, String message, Throwable t) {
        return new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, message, t, null);
    }

    private static SQLException hikariClosedHandle() throws SQLException {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:log-filter");
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            java.sql.Connection c = pool.getConnection();
            c.close();
            return org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class, c::rollback);
        }
    }
}
