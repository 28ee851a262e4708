package io.perfplan.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * H2 on disk writes each commit to the file at once; other URLs, and a URL that chose its own delay,
 * are left alone. Processes take turns to open an H2 file whichever file system its URL names.
 */
class DurableUrlTest {

    @Test
    void h2OnDiskWritesEveryCommitAtOnce() {
        assertThat(Database.durable("jdbc:h2:file:/x/db/perfplan;AUTO_SERVER=TRUE"))
                .isEqualTo("jdbc:h2:file:/x/db/perfplan;AUTO_SERVER=TRUE;WRITE_DELAY=0");
        assertThat(Database.durable("jdbc:h2:retry:/x/db/perfplan")).isEqualTo("jdbc:h2:retry:/x/db/perfplan;WRITE_DELAY=0");
    }

    @Test
    void aChosenDelayInMemoryDatabasesAndPostgresAreLeftAlone() {
        assertThat(Database.durable("jdbc:h2:file:/x/db;write_delay=500")).isEqualTo("jdbc:h2:file:/x/db;write_delay=500");
        assertThat(Database.durable("jdbc:h2:mem:t")).isEqualTo("jdbc:h2:mem:t");
        assertThat(Database.durable("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
    }

    @Test
    void theFileOfAnH2UrlIsFoundWhicheverFileSystemItNames() {
        java.nio.file.Path file = java.nio.file.Path.of("/x/db/perfplan");
        assertThat(Database.h2File("jdbc:h2:file:/x/db/perfplan;AUTO_SERVER=TRUE")).contains(file);
        assertThat(Database.h2File("jdbc:h2:retry:/x/db/perfplan;AUTO_SERVER=TRUE")).as("serve's URL").contains(file);
        assertThat(Database.h2File("jdbc:h2:nio:/x/db/perfplan")).contains(file);
        assertThat(Database.h2File("jdbc:h2:/x/db/perfplan")).contains(file);
        assertThat(Database.h2File("jdbc:h2:~/db")).contains(java.nio.file.Path.of(System.getProperty("user.home"), "db"));
        assertThat(Database.h2File("jdbc:h2:mem:t")).isEmpty();
        assertThat(Database.h2File("jdbc:h2:tcp://localhost/x")).isEmpty();
        assertThat(Database.h2File("jdbc:postgresql://h/db")).isEmpty();
    }
}
