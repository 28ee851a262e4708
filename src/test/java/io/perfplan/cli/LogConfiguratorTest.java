package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import java.sql.SQLException;
import org.h2.api.ErrorCode;
import org.h2.message.DbException;
import org.junit.jupiter.api.Test;

/** Quartz's ERRORs about a database failure that passes are not shown; its other errors, and ours, are. */
class LogConfiguratorTest {

    @Test
    void quartzErrorsAboutAHandedOverDatabaseAreHiddenAndOthersShown() {
        LoggerContext context = new LoggerContext();
        try {
            new LogConfigurator().configure(context);
            assertThat(context.getTurboFilterList()).hasAtLeastOneElementOfType(LogConfigurator.PassingDatabaseFailures.class);
            // through the context, as Quartz logs
            ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
            seen.setContext(context);
            seen.start();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(seen);
            SQLException atShutdown = DbException.get(ErrorCode.DATABASE_CALLED_AT_SHUTDOWN).getSQLException();
            context.getLogger("org.quartz.impl.jdbcjobstore.JobStoreTX").error("Couldn't rollback jdbc connection. " + atShutdown.getMessage(), atShutdown);
            context.getLogger("org.quartz.impl.jdbcjobstore.JobStoreTX").error("a real problem", new SQLException("disk full", "HY000"));
            assertThat(seen.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getMessage).containsExactly("a real problem");
            LogConfigurator.PassingDatabaseFailures filter = new LogConfigurator.PassingDatabaseFailures();
            Logger quartz = context.getLogger("org.quartz.impl.jdbcjobstore.JobStoreTX");
            SQLException closed = DbException.get(ErrorCode.DATABASE_CALLED_AT_SHUTDOWN).getSQLException();

            assertThat(filter.decide(null, quartz, Level.ERROR, "Couldn't rollback jdbc connection. ", null, closed)).isEqualTo(FilterReply.DENY);
            assertThat(filter.decide(null, quartz, Level.ERROR, "a real problem", null, new SQLException("disk full", "HY000")))
                    .isEqualTo(FilterReply.NEUTRAL);
            assertThat(filter.decide(null, context.getLogger("io.perfplan.store"), Level.ERROR, "ours", null, closed))
                    .isEqualTo(FilterReply.NEUTRAL);
        } finally {
            context.stop();
        }
    }
}
