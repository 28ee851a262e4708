package io.perfplan.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An H2 client session that its server closed is a passing failure: the work is retried on a new session. */
class BrokenSessionTest {

    @TempDir
    Path dir;

    @Test
    void workOnAPooledSessionTheServerClosedIsRetriedOnANewOne() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Server server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
        try {
            String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/" + dir.resolve("pool").toAbsolutePath() + ";DB_CLOSE_DELAY=-1";
            JdbcConnectionPool pool = JdbcConnectionPool.create(url, "", ""); // the pool of one-shot commands
            try (Connection admin = DriverManager.getConnection(url, "", "")) {
                int session = DatabaseWork.run(pool, (c, attempt) -> {
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SESSION_ID()")) {
                        rs.next();
                        return rs.getInt(1);
                    }
                });
                try (Statement st = admin.createStatement()) {
                    st.execute("CALL ABORT_SESSION(" + session + ")"); // as a hosting process that shuts down does
                }
                int[] attempts = {0};
                long started = System.nanoTime();
                int one = DatabaseWork.run(pool, (c, attempt) -> {
                    attempts[0] = attempt;
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                        rs.next();
                        return rs.getInt(1);
                    }
                });
                assertThat(one).isEqualTo(1);
                assertThat(attempts[0]).as("the first try met the closed session; the second had a new one").isEqualTo(2);
                assertThat(System.nanoTime() - started).as("well inside the retry patience").isLessThan(5_000_000_000L);
            } finally {
                pool.dispose();
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void h2sErrorsForASessionClosedOrRolledBackUnderACommandPass() {
        NullPointerException npe = new NullPointerException("Cannot invoke \"java.util.ArrayList.remove(int)\" because \"this.transferList\" is null");
        npe.setStackTrace(new StackTraceElement[] {new StackTraceElement("org.h2.engine.SessionRemote", "removeServer", "SessionRemote.java", 394)});
        SQLException wrapped = org.h2.message.DbException.convert(npe).getSQLException();
        assertThat(wrapped.getErrorCode()).isEqualTo(ErrorCode.GENERAL_ERROR_1);
        assertThat(DatabaseWork.isTransient(wrapped)).isTrue();

        // what a remote session gets when the hosting process rolled its transaction back while shutting down
        SQLException rolledBack = org.h2.message.DbException.get(ErrorCode.GENERAL_ERROR_1,
                "Transaction 1 has status ROLLED_BACK, not OPEN [2.4.240/103]").getSQLException();
        assertThat(DatabaseWork.isTransient(rolledBack)).isTrue();
        assertThat(DatabaseWork.isTransient(org.h2.message.DbException.get(ErrorCode.GENERAL_ERROR_1,
                "org.h2.mvstore.MVStoreException: Transaction 1 is closed [2.4.240/4]").getSQLException())).isTrue();
        assertThat(DatabaseWork.isTransient(org.h2.message.DbException.get(ErrorCode.GENERAL_ERROR_1,
                "something else [2.4.240/104]").getSQLException())).isFalse();

        NullPointerException elsewhere = new NullPointerException("a bug of ours");
        elsewhere.setStackTrace(new StackTraceElement[] {new StackTraceElement("io.perfplan.store.RunRepository", "x", "RunRepository.java", 1)});
        assertThat(DatabaseWork.isTransient(org.h2.message.DbException.convert(elsewhere).getSQLException())).isFalse();
    }

    @Test
    void aConnectionHikariHasClosedIsABrokenConnection() throws Exception {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:closed-handle");
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            Connection c = pool.getConnection();
            c.close();
            SQLException closed = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class, c::rollback);
            assertThat(closed.getMessage()).isEqualTo("Connection is closed");
            assertThat(DatabaseWork.isTransient(closed)).isTrue();
            assertThat(DatabaseWork.isTransient(new SQLException("Connection is closed"))).as("the same words from elsewhere").isFalse();
        }
    }
}
