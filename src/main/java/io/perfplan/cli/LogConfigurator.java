package io.perfplan.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.FilterReply;
import io.perfplan.schedule.RetryingJobStore;
import io.perfplan.store.DatabaseWork;

/**
 * Logging set-up in code (found by Logback through the service loader): libraries' messages go to
 * stderr at ERROR, or at the level in {@code PERFPLAN_LOG_LEVEL}. Skipping Logback's XML
 * configuration saves a noticeable part of the CLI's start-up.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    /**
     * Quartz logs a database failure that passes (the process hosting a shared H2 file exiting: "Couldn't
     * rollback jdbc connection. Database is already closed") as an ERROR with a stack trace, though the
     * store retries such failures ({@link DatabaseWork}) and the scheduler goes on; so is Quartz's wait
     * to retry one, interrupted when serve stops. They are shown only with {@code PERFPLAN_LOG_LEVEL=INFO}
     * or finer.
     */
    static final class PassingDatabaseFailures extends Filter<ILoggingEvent> {
        @Override
        public FilterReply decide(ILoggingEvent event) {
            String logger = event.getLoggerName();
            boolean quartz = logger.startsWith("org.quartz.") || logger.equals(RetryingJobStore.class.getName());
            return quartz && event.getThrowableProxy() instanceof ThrowableProxy proxy
                    && (DatabaseWork.isTransient(proxy.getThrowable()) || stopping(proxy.getThrowable()))
                    ? FilterReply.DENY : FilterReply.NEUTRAL;
        }

        /** Quartz's own wait before it tries a database call again, interrupted because serve is stopping. */
        private static boolean stopping(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof InterruptedException) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("stderr");
        appender.setTarget("System.err");
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
        encoder.start();
        appender.setEncoder(encoder);
        Level level = Level.toLevel(System.getenv("PERFPLAN_LOG_LEVEL"), Level.ERROR);
        if (level.isGreaterOrEqual(Level.WARN)) {
            PassingDatabaseFailures filter = new PassingDatabaseFailures();
            filter.setContext(context);
            filter.start();
            appender.addFilter(filter);
        }
        appender.start();
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(appender);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
