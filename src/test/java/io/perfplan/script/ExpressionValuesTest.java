package io.perfplan.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ExpressionValuesTest {

    private static final ExpressionCompiler COMPILER = new ExpressionCompiler();

    private static final Map<String, Object> BINDINGS = bindings();

    private static Map<String, Object> bindings() {
        Map<String, Object> steps = new LinkedHashMap<>();
        steps.put("a", Map.of("status", "passed", "outputs", Map.of("x", 42, "name", "checkout"),
                "metrics", Map.of("latency.p99", 180.5)));
        steps.put("load-test", Map.of("status", "failed", "outputs", Map.of()));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("params", Map.of("version", "1.4", "rate", 2000, "enabled", true));
        b.put("vars", Map.of("target", "http://127.0.0.1:8080", "list", List.of(1, 2, 3, 4)));
        b.put("steps", steps);
        b.put("nothing", null);
        b.put("run", Map.of("id", "r-17", "plan", "checkout-nightly"));
        b.put("env", Map.of("HOME", "/home/perf"));
        b.put("success", (Supplier<Boolean>) () -> true);
        b.put("failed", (Predicate<String>) id -> id.equals("gate"));
        b.put("passed", ExpressionFunctions.ofPredicate((Predicate<String>) id -> !id.equals("gate")));
        b.put("twice", ExpressionFunctions.of((Function<Integer, Integer>) x -> x * 2));
        return b;
    }

    private static Object eval(String source) {
        return COMPILER.compile(source).evaluate(BINDINGS);
    }

    @Test
    void numbersStayNumbers() {
        assertThat(eval("1 + 2")).isEqualTo(3);
        assertThat(eval("params.rate * 2")).isEqualTo(4000);
        assertThat(eval("1.5 * 2")).isEqualTo(new BigDecimal("3.0"));
        assertThat(eval("10 / 4")).isEqualTo(new BigDecimal("2.5"));
        assertThat(eval("Math.max(3, params.rate)")).isEqualTo(2000);
        assertThat(eval("Math.PI > 3")).isEqualTo(true);
        assertThat(eval("Integer.parseInt('12') + Long.valueOf(3)")).isEqualTo(15L);
        assertThat(eval("steps.a.metrics['latency.p99'] < 250")).isEqualTo(true);
    }

    @Test
    void booleansAndComparisons() {
        assertThat(eval("params.enabled && params.rate >= 1000")).isEqualTo(true);
        assertThat(eval("!params.enabled")).isEqualTo(false);
        assertThat(eval("'abc' == 'abc'")).isEqualTo(true);
        assertThat(eval("params.version <=> '1.3'")).isEqualTo(1);
        assertThat(eval("params.version in ['1.4', '1.5']")).isEqualTo(true);
    }

    @Test
    void stringsListsAndMaps() {
        assertThat(eval("'app-' + params.version + '.jar'")).isEqualTo("app-1.4.jar");
        assertThat(eval("\"${vars.target}/health\"")).isEqualTo("http://127.0.0.1:8080/health");
        assertThat(eval("[1, 'two', params.rate]")).isEqualTo(List.of(1, "two", 2000));
        assertThat(eval("[name: steps.a.outputs.name, n: 1]")).isEqualTo(Map.of("name", "checkout", "n", 1));
        assertThat(eval("\"${params.version}\".toUpperCase().split('\\\\.') as List")).isEqualTo(List.of("1", "4"));
        assertThat(eval("(1..3)")).isEqualTo(List.of(1, 2, 3));
        assertThat(eval("vars.list.size()")).isEqualTo(4);
        assertThat(eval("vars.list.sum()")).isEqualTo(10);
        assertThat(eval("String.join(',', ['a', 'b'])")).isEqualTo("a,b");
        assertThat(eval("new ArrayList([1, 2]) + [3]")).isEqualTo(List.of(1, 2, 3));
    }

    @Test
    void ternaryElvisAndSafeNavigation() {
        assertThat(eval("params.rate > 1000 ? 'high' : 'low'")).isEqualTo("high");
        assertThat(eval("nothing ?: 'default'")).isEqualTo("default");
        assertThat(eval("steps?.a?.outputs?.x")).isEqualTo(42);
        assertThat(eval("steps?.missing?.outputs?.x")).isNull();
        assertThat(eval("steps['load-test'].status")).isEqualTo("failed");
        assertThat(eval("steps.a.outputs.missing ?: 0")).isEqualTo(0);
        assertThat(eval("nothing?.size()")).isNull();
        assertThat(eval("def id = 'a'; steps[\"${id}\"].status")).isEqualTo("passed");
        assertThat(eval("run.id + '@' + run.plan + ' ' + env.HOME")).isEqualTo("r-17@checkout-nightly /home/perf");
    }

    @Test
    void closuresInCollectionMethods() {
        assertThat(eval("vars.list.collect { it * 2 }")).isEqualTo(List.of(2, 4, 6, 8));
        assertThat(eval("vars.list.findAll { x -> x % 2 == 0 }")).isEqualTo(List.of(2, 4));
        assertThat(eval("vars.list.any { it > 3 }")).isEqualTo(true);
        assertThat(eval("vars.list.every { it > 3 }")).isEqualTo(false);
        assertThat(eval("vars.list.inject(0) { acc, x -> acc + x }")).isEqualTo(10);
        assertThat(eval("steps.collect { id, s -> s.status }")).isEqualTo(List.of("passed", "failed"));
        assertThat(eval("def f = { it + 1 }; f(1)")).isEqualTo(2);
        assertThat(eval("def total = 0; vars.list.each { total += it }; total")).isEqualTo(10);
        assertThat(eval("'abc'.with { it.toUpperCase() }")).isEqualTo("ABC");
        assertThat(eval("steps*.key")).isEqualTo(List.of("a", "load-test"));
        assertThat(eval("vars.list*.plus(1)")).isEqualTo(List.of(2, 3, 4, 5));
        assertThat(eval("vars.list.collect(x -> x * 10)")).isEqualTo(List.of(10, 20, 30, 40));
        assertThat(eval("\"${-> vars.list.size()}\"")).isEqualTo("4");
    }

    @Test
    void callsFunctionsFromTheBindings() {
        assertThat(eval("success()")).isEqualTo(true);
        assertThat(eval("failed('gate')")).isEqualTo(true);
        assertThat(eval("failed('load')")).isEqualTo(false);
        assertThat(eval("passed('load') && !passed('gate')")).isEqualTo(true);
        assertThat(eval("['load', 'deploy'].every { passed(it) }")).isEqualTo(true);
        assertThat(eval("['load', 'gate'].findAll(passed)")).isEqualTo(List.of("load"));
        assertThat(eval("twice(21)")).isEqualTo(42);
        assertThat(eval("def t = twice; t(2)")).isEqualTo(4);
    }

    @Test
    void resultsArePlainValues() {
        Object value = eval("[\"v${params.version}\", [k: \"${1 + 1}\"]]");
        assertThat(value).isEqualTo(List.of("v1.4", Map.of("k", "2")));
        assertThat(((List<?>) value).get(0)).isInstanceOf(String.class);
        assertThat(eval("[1, 1, 2] as Set")).isEqualTo(List.of(1, 2));
    }

    @Test
    void cacheReturnsTheSameCompiledExpression() {
        ExpressionCompiler compiler = new ExpressionCompiler();
        CompiledExpression first = compiler.compile("params.rate + 1");
        assertThat(compiler.compile("params.rate + 1")).isSameAs(first);
        assertThat(compiler.compile("params.rate + 2")).isNotSameAs(first);
        assertThat(first.evaluate(BINDINGS)).isEqualTo(2001);
        assertThat(first.evaluate(Map.of("params", Map.of("rate", 1)))).isEqualTo(2);
    }

    @Test
    void evaluatesConcurrentlyWithSeparateBindings() throws Exception {
        CompiledExpression expression = COMPILER.compile("vars.list.collect { it * n }.sum()");
        List<Thread> threads = new ArrayList<>();
        List<Object> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 1; t <= 4; t++) {
            int n = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    results.add(List.of(n, expression.evaluate(Map.of("vars", Map.of("list", List.of(1, 2, 3)), "n", n))));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(results).hasSize(800).allSatisfy(r -> {
            List<?> pair = (List<?>) r;
            assertThat(pair.get(1)).isEqualTo(6 * (Integer) pair.get(0));
        });
    }

    @Test
    void runtimeErrorsAreOneSentence() {
        assertThatThrownBy(() -> eval("steps.missing.outputs"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ExpressionException.Kind.RUNTIME);
                    assertThat(e.getMessage()).contains("outputs").contains("null").contains("?.");
                });
        assertThatThrownBy(() -> eval("unknown + 1"))
                .isInstanceOfSatisfying(ExpressionException.class, e ->
                        assertThat(e.getMessage()).startsWith("Unknown name 'unknown'").contains("params"));
        assertThatThrownBy(() -> eval("nope('x')"))
                .isInstanceOfSatisfying(ExpressionException.class, e ->
                        assertThat(e.getMessage()).startsWith("Unknown function 'nope'").contains("success()"));
        assertThatThrownBy(() -> eval("1 / 0"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ExpressionException.Kind.RUNTIME);
                    assertThat(e.getMessage()).startsWith("Expression failed: ").doesNotContain("\n");
                });
        assertThatThrownBy(() -> eval("{ -> 1 }"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> assertThat(e.getMessage()).contains("closure"));
    }

    @Test
    void syntaxErrorsGiveTheColumn() {
        assertThatThrownBy(() -> COMPILER.compile("params.rate +* 2"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ExpressionException.Kind.SYNTAX);
                    assertThat(e.getMessage()).startsWith("Expression does not compile").doesNotContain("\n");
                    assertThat(e.line()).hasValue(1);
                    assertThat(e.column()).isPresent();
                });
        assertThatThrownBy(() -> COMPILER.compile("  "))
                .isInstanceOfSatisfying(ExpressionException.class,
                        e -> assertThat(e.kind()).isEqualTo(ExpressionException.Kind.SYNTAX));
    }

    @Test
    void refusesTooLongText() {
        String huge = "1" + " + 1".repeat(ExpressionCompiler.MAX_SOURCE_CHARS / 4);
        assertThatThrownBy(() -> COMPILER.compile(huge))
                .isInstanceOfSatisfying(ExpressionException.class, e -> assertThat(e.getMessage()).contains("10000"));
    }

    @Test
    void stopsExpressionsThatRunTooLong() {
        ExpressionCompiler quick = new ExpressionCompiler(Duration.ofMillis(200));
        CompiledExpression endless = quick.compile("(1..Long.MAX_VALUE).each { it * 2 }");
        long start = System.nanoTime();
        assertThatThrownBy(() -> endless.evaluate(Map.of()))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ExpressionException.Kind.TIMEOUT);
                    assertThat(e.getMessage()).contains("200 ms");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThatThrownBy(() -> quick.compile("def f; f = { f() }; f()").evaluate(Map.of()))
                .isInstanceOf(ExpressionException.class);
    }
}
