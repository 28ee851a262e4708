package io.perfplan.actions.groovy;

import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.script.ScriptModule;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A Groovy class implementing the {@link Action} SPI: used as is, with failures reported at the script's line. */
final class ScriptClassAction<I> implements Action<I> {

    private final Action<I> delegate;
    private final ScriptModule module;

    ScriptClassAction(Action<I> delegate, ScriptModule module) {
        this.delegate = delegate;
        this.module = module;
    }

    @Override
    public ActionSpec<I> spec() {
        return delegate.spec();
    }

    @Override
    public Outcome execute(I inputs, StepContext ctx) {
        return ScriptOutcomes.run(module, ctx, () -> delegate.execute(inputs, ctx));
    }

    @Override
    public Optional<String> describe(I inputs) {
        return delegate.describe(inputs);
    }

    @Override
    public List<String> check(I inputs, Path projectDir) {
        return delegate.check(inputs, projectDir);
    }
}
