package io.perfplan.core.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** Each format is read back by its real reader; writes are atomic and restores exact. */
class ConfigFileTest {

    @TempDir
    Path dir;

    private static final Configuration CONFIG = new Configuration(new LinkedHashMap<>(Map.of(
            "threads", "8", "heap", "512m", "ratio", "0.75", "odd key", "a=b: c # 'd'")));

    @Test
    void propertiesReadBackByJavaUtilProperties() throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(new String(ConfigFile.render(CONFIG, ConfigFile.Format.PROPERTIES), StandardCharsets.ISO_8859_1)));
        assertThat(p).containsEntry("threads", "8").containsEntry("heap", "512m").containsEntry("odd key", "a=b: c # 'd'");
    }

    @Test
    void jsonAndYamlKeepNumbersAsNumbers() throws Exception {
        Map<?, ?> json = new ObjectMapper().readValue(ConfigFile.render(CONFIG, ConfigFile.Format.JSON), Map.class);
        assertThat(json.get("threads")).isEqualTo(8);
        assertThat(json.get("ratio")).isEqualTo(0.75);
        assertThat(json.get("odd key")).isEqualTo("a=b: c # 'd'");
        Map<?, ?> yaml = new Yaml().load(new String(ConfigFile.render(CONFIG, ConfigFile.Format.YAML), StandardCharsets.UTF_8));
        assertThat(yaml.get("threads")).isEqualTo(8);
        assertThat(yaml.get("heap")).isEqualTo("512m");
        assertThat(yaml.get("odd key")).isEqualTo("a=b: c # 'd'");
    }

    @Test
    void envFileIsSourcedByARealShell() throws Exception {
        Path env = dir.resolve("tuned.env");
        ConfigFile.write(env, ConfigFile.render(CONFIG, ConfigFile.Format.ENV));
        Process p = new ProcessBuilder("sh", "-c", ". ./tuned.env && printf '%s|%s|%s' \"$THREADS\" \"$HEAP\" \"$ODD_KEY\"")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(out).isEqualTo("8|512m|a=b: c # 'd'");
    }

    @Test
    void restorePutsBackTheExactBytesOrRemovesANewFile() throws Exception {
        Path file = dir.resolve("config/app.properties");
        Files.createDirectories(file.getParent());
        byte[] original = "# hand written\r\nthreads = 2\n\u00e9t\u00e9=1\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, original);
        ConfigFile.Snapshot before = ConfigFile.read(file);
        byte[] applied = ConfigFile.render(CONFIG, ConfigFile.Format.PROPERTIES);
        ConfigFile.write(file, applied);
        assertThat(Files.readAllBytes(file)).isEqualTo(applied);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file is left").hasSize(1);
        }
        ConfigFile.restore(file, before, applied);
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        ConfigFile.write(file, applied);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as("the file keeps its permissions")
                .isEqualTo("rw-rw-r--");

        Path fresh = dir.resolve("new/tuned.json");
        ConfigFile.Snapshot none = ConfigFile.read(fresh);
        ConfigFile.write(fresh, applied);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-r--r--");
        ConfigFile.restore(fresh, none, applied);
        assertThat(fresh).doesNotExist();
    }

    @Test
    void restoreRefusesWhenTheFileWasChangedSince() throws Exception {
        Path file = dir.resolve("app.properties");
        ConfigFile.Snapshot before = ConfigFile.read(file);
        byte[] applied = ConfigFile.render(CONFIG, ConfigFile.Format.PROPERTIES);
        ConfigFile.write(file, applied);
        Files.writeString(file, "threads=99\n");
        assertThatThrownBy(() -> ConfigFile.restore(file, before, applied)).hasMessageContaining("was changed after");
        assertThat(Files.readString(file)).isEqualTo("threads=99\n");
    }
}
