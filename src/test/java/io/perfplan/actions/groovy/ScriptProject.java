package io.perfplan.actions.groovy;

import io.perfplan.engine.ActionRegistry;
import io.perfplan.engine.Cancellation;
import io.perfplan.engine.Engine;
import io.perfplan.engine.RunListener;
import io.perfplan.engine.RunReport;
import io.perfplan.engine.StepReport;
import io.perfplan.plan.Expressions;
import io.perfplan.plan.GroovyExpressions;
import io.perfplan.plan.Plan;
import io.perfplan.plan.PlanValidator;
import io.perfplan.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A project folder in a temp dir (plans/, scripts/, an H2 file) run through the real validator and engine. */
final class ScriptProject implements AutoCloseable {

    final Path dir;
    final Database db;
    final ActionRegistry actions = ActionRegistry.withBuiltIns();
    final Expressions expressions = new Expressions(GroovyExpressions::new);
    final List<String> logs = new ArrayList<>();

    ScriptProject(Path dir) {
        this.dir = dir;
        this.db = Database.open(Database.defaultUrl(dir), null, null);
    }

    Path script(String name, String source) throws Exception {
        Path f = Files.createDirectories(dir.resolve("scripts")).resolve(name);
        Files.writeString(f, source);
        return f;
    }

    Path planFile(String yaml) throws Exception {
        Path f = Files.createDirectories(dir.resolve("plans")).resolve("plan.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    Plan validate(String yaml) throws Exception {
        return new PlanValidator(actions, expressions).loadAndValidate(planFile(yaml));
    }

    RunReport run(String yaml) throws Exception {
        return run(yaml, Map.of(), System.getenv());
    }

    RunReport run(String yaml, Map<String, String> params, Map<String, String> env) throws Exception {
        Plan plan = validate(yaml);
        RunListener listener = new RunListener() {
            @Override
            public void stepLog(String stepId, String message) {
                synchronized (logs) {
                    logs.add(stepId + ": " + message);
                }
            }
        };
        return new Engine(actions, db.runs(), expressions).run(plan, Engine.resolveParams(plan, params),
                new Engine.RunOptions("test", listener, new Cancellation(), env));
    }

    static StepReport step(RunReport r, String id) {
        return r.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
    }

    static double metric(RunReport r, String step, String name) {
        return step(r, step).metrics().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().value();
    }

    @Override
    public void close() {
        db.close();
    }
}
