package io.perfplan.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import groovy.lang.Binding;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trusted script compiler: the action DSL, compile and runtime errors with lines, one compile per content. */
class ScriptActionLoaderTest {

    private final ScriptActionLoader loader = new ScriptActionLoader();

    @Test
    void readsEveryPartOfAnActionDefinition() {
        ScriptModule m = loader.compile("""
                def helper(x) { x * 2 }
                action {
                    name 'double-it'
                    description 'Doubles a number.'
                    input 'value', type: Integer, required: true, description: 'the number'
                    input 'wait', type: Duration, default: '5s'
                    output 'result', 'twice the value'
                    metric 'took', unit: 'ms', direction: 'lower', description: 'time'
                    example '''
                        - id: d
                          action: double-it
                        '''
                    execute { ctx, inputs -> helper(inputs.value) }
                }
                """, "scripts/double.groovy");
        assertThat(m.definesActions()).isTrue();
        List<ScriptActionDefinition> defs = m.definitions();
        assertThat(defs).hasSize(1);
        ScriptActionDefinition d = defs.get(0);
        assertThat(d.name()).isEqualTo("double-it");
        assertThat(d.line()).isEqualTo(2);
        assertThat(d.file()).isEqualTo("scripts/double.groovy");
        assertThat(d.inputs()).containsExactly(
                new ScriptActionDefinition.Input("value", Integer.class, true, null, "the number"),
                new ScriptActionDefinition.Input("wait", Duration.class, false, "5s", ""));
        assertThat(d.outputs()).containsExactly(new ScriptActionDefinition.Output("result", "twice the value"));
        assertThat(d.metrics()).containsExactly(new ScriptActionDefinition.Metric("took", "ms", "lower", "time"));
        assertThat(d.example()).isEqualTo("- id: d\n  action: double-it\n");
        assertThat(d.execute().call(null, Map.of("value", 21))).isEqualTo(42);
    }

    @Test
    void compileErrorsGiveFileLineAndColumn() {
        assertThatThrownBy(() -> loader.compile("""
                action {
                    name 'broken'
                    execute { ctx, inputs ->
                        def x = 1
                        def y = x +* 2
                    }
                }
                """, "scripts/broken.groovy"))
                .isInstanceOfSatisfying(ScriptException.class, e -> {
                    assertThat(e.file()).isEqualTo("scripts/broken.groovy");
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.column()).isEqualTo(19);
                    assertThat(e.getMessage()).isEqualTo("scripts/broken.groovy:5:19: Unexpected input: '+'");
                });
    }

    @Test
    void runtimeErrorsNameTheScriptLineNotAGroovyStack() {
        ScriptModule m = loader.compile("""
                def values = [1, 2]

                def third() {
                    values[2].intValue()
                }
                third()
                """, "check.groovy");
        Throwable thrown = null;
        try {
            m.newScript(new Binding()).run();
        } catch (Throwable t) {
            thrown = t;
        }
        assertThat(thrown).isNotNull();
        ScriptException e = m.runtimeError(thrown);
        // `values` is a local of the script body, so third() does not see it
        assertThat(e.getMessage()).startsWith("check.groovy:4: MissingPropertyException: No such property: values");
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("at org.codehaus");
    }

    @Test
    void mistakesInTheDslNameTheActionsLine() {
        ScriptModule noExecute = loader.compile("\n\naction {\n  name 'x'\n}\n", "a.groovy");
        assertThatThrownBy(noExecute::definitions).isInstanceOf(ScriptException.class)
                .hasMessage("a.groovy:3: action 'x' has no `execute { ctx, inputs -> ... }` block");
        ScriptModule badOption = loader.compile("action {\n name 'y'\n input 'n', typ: Integer\n execute { }\n}\n", "b.groovy");
        assertThatThrownBy(badOption::definitions).hasMessage(
                "b.groovy:1: input 'n': unknown option 'typ'; options: default, description, required, type");
        ScriptModule badName = loader.compile("action { name 'Not OK'; execute { } }", "c.groovy");
        assertThatThrownBy(badName::definitions).hasMessageStartingWith("c.groovy:1: action name 'Not OK' is not valid");
    }

    @Test
    void compilesEachContentOnceAndRunsItsTopLevelOnce() {
        String source = "counter = (binding.hasVariable('counter') ? counter : 0) + 1\naction { name 'once'; execute { } }\n";
        int before = loader.compilations();
        ScriptModule a = loader.compile(source, "once.groovy");
        ScriptModule b = loader.compile(source, "once.groovy");
        assertThat(b).isSameAs(a);
        assertThat(loader.compilations()).isEqualTo(before + 1);
        assertThat(a.definitions()).isSameAs(b.definitions());
        loader.compile(source + "// changed\n", "once.groovy");
        assertThat(loader.compilations()).isEqualTo(before + 2);
    }

    @Test
    void aScriptWithoutActionBlocksIsOnlyCompiledNotRun() {
        ScriptModule m = loader.compile("throw new IllegalStateException('must not run at load')", "step.groovy");
        assertThat(m.definesActions()).isFalse();
        assertThat(m.definitions()).isEmpty();
    }

    @Test
    void scriptsAreTrustedCodeUnlikeExpressions() throws Exception {
        // what the expression sandbox refuses (System, files, processes) works in a script
        ScriptModule m = loader.compile("System.getProperty('java.version') + new File('.').exists()", "trusted.groovy");
        assertThat(m.newScript(new Binding()).run()).isEqualTo(System.getProperty("java.version") + "true");
    }
}
