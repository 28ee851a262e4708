package io.perfplan.actions.groovy;

import groovy.lang.Binding;
import groovy.lang.Script;
import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.script.ScriptActionLoader;
import io.perfplan.script.ScriptException;
import io.perfplan.script.ScriptModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs trusted Groovy code (inline or a file) with the step bound as {@code ctx} and the step's
 * {@code args}. Code is compiled once per content; compile errors show at validation.
 */
public final class GroovyAction implements Action<GroovyInputs> {

    /** The name inline scripts have in messages, e.g. {@code inline script:3:5: unexpected token}. */
    static final String INLINE = "inline script";

    private static final ActionSpec<GroovyInputs> SPEC = new ActionSpec<>("groovy",
            "Run trusted Groovy code (inline or a file) with the step as `ctx`: log, metric, output, http, run, history, fail.",
            GroovyInputs.class, List.of(), List.of(),
            """
            - id: headroom
              action: groovy
              with:
                args: {p99: "${steps.load.metrics['latency.p99']}"}
                script: |
                  def headroom = 250 - (args.p99 as double)
                  ctx.metric('headroom', headroom, 'ms', 'higher')
                  if (headroom < 0) ctx.fail("p99 is over budget by $${-headroom} ms")
            - id: trend
              action: groovy
              with: {file: scripts/report.groovy}
            """);

    @Override
    public ActionSpec<GroovyInputs> spec() {
        return SPEC;
    }

    @Override
    public Outcome execute(GroovyInputs in, StepContext step) {
        ScriptModule module = compile(in, step.workDir());
        ScriptContext ctx = new ScriptContext(step, in.args(), List.of());
        Binding binding = new Binding();
        binding.setVariable("ctx", ctx);
        binding.setVariable("args", in.args());
        Script script = module.newScript(binding);
        return ScriptOutcomes.run(module, step, script::run);
    }

    @Override
    public List<String> check(GroovyInputs in, Path projectDir) {
        try {
            compile(in, projectDir);
            return List.of();
        } catch (ScriptException e) {
            return List.of(e.getMessage());
        }
    }

    @Override
    public Optional<String> describe(GroovyInputs in) {
        return Optional.of(in.file() != null ? "would run " + in.file()
                : "would run an inline script of " + in.script().strip().lines().count() + " lines");
    }

    private static ScriptModule compile(GroovyInputs in, Path projectDir) {
        ScriptModule m;
        if (in.file() != null) {
            Path file = projectDir.resolve(in.file());
            if (!Files.isRegularFile(file)) {
                throw new ScriptException(in.file(), 0, 0, "does not exist in " + projectDir
                        + "; `file` is relative to the project folder (the parent of plans/)", null);
            }
            m = ScriptActionLoader.shared().load(file, in.file());
        } else {
            m = ScriptActionLoader.shared().compile(in.script(), INLINE);
        }
        if (m.definesActions()) {
            throw new ScriptException(m.name(), 0, 0, "defines actions; call them by name in a step's `action:` "
                    + "(files in scripts/ are loaded for every plan) instead of running the file with the groovy action", null);
        }
        return m;
    }
}
