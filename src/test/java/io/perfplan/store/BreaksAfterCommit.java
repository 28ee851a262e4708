package io.perfplan.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.message.DbException;

/**
 * A real database's connections, one of which breaks once right after its commit of a statement
 * containing {@code fragment}: the rows are in the database, but the caller gets H2's own "connection
 * broken" error, as when the process hosting an H2 file exits between a commit and its answer. A
 * real hand-over hits that window only by chance; this hits it every time, so a test can check that
 * the retry finds what the broken-off try committed instead of writing it twice or refusing itself.
 */
final class BreaksAfterCommit {

    private final DataSource real;
    private final String fragment;
    private final AtomicInteger breaks = new AtomicInteger();

    BreaksAfterCommit(DataSource real, String fragment) {
        this.real = real;
        this.fragment = fragment;
    }

    /** How many times a connection broke (1 once the fragment was committed). */
    int breaks() {
        return breaks.get();
    }

    DataSource dataSource() {
        return proxy(DataSource.class, (p, m, args) -> m.getName().equals("getConnection") ? connection(real.getConnection())
                : invoke(real, m, args));
    }

    private Connection connection(Connection c) {
        boolean[] wrote = {false};
        return proxy(Connection.class, (p, m, args) -> {
            Object out = invoke(c, m, args);
            if (m.getName().equals("prepareStatement") && ((String) args[0]).contains(fragment)) {
                wrote[0] = true;
                PreparedStatement ps = (PreparedStatement) out;
                return proxy(PreparedStatement.class, (sp, sm, sargs) -> {
                    Object result = invoke(ps, sm, sargs);
                    if ((sm.getName().equals("executeUpdate") || sm.getName().equals("executeBatch")) && c.getAutoCommit()) {
                        breakOnce();
                    }
                    return result;
                });
            }
            if (m.getName().equals("commit") && wrote[0]) {
                breakOnce();
            }
            return out;
        });
    }

    private void breakOnce() throws SQLException {
        if (breaks.compareAndSet(0, 1)) {
            throw DbException.get(ErrorCode.CONNECTION_BROKEN_1, "broken by the test after the commit").getSQLException();
        }
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(BreaksAfterCommit.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
