package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.perfplan.engine.Action;
import io.perfplan.plan.PlanValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's action reference and example plans are generated from, and checked against, the code. */
class ReadmeTest {

    @Test
    void actionReferenceMatchesTheActionsSpecs() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (Action<?> a : Services.actions().all()) {
            assertThat(readme).as("README section of action %s is out of date; run docs/update-readme.sh", a.spec().name())
                    .contains(ActionDocs.markdown(a.spec()));
        }
    }

    @Test
    void everyExamplePlanIsValid() throws Exception {
        PlanValidator validator = Services.validator();
        try (Stream<Path> plans = Files.list(Path.of("plans"))) {
            for (Path p : plans.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                validator.loadAndValidate(p);
            }
        }
    }

    @Test
    void schemaVersionMatchesTheNewestMigration() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            int newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElse(0);
            assertThat(io.perfplan.store.Database.SCHEMA_VERSION).isEqualTo(newest);
        }
    }
}
