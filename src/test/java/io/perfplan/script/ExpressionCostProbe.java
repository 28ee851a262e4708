package io.perfplan.script;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Prints what expressions cost in a cold JVM: the first compile (loads Groovy), a second compile,
 * and a cached evaluate. Not a test and not asserted; run it alone in a fresh JVM:
 * {@code java -cp target/classes:target/test-classes:$(deps) io.perfplan.script.ExpressionCostProbe}.
 */
public final class ExpressionCostProbe {

    private ExpressionCostProbe() {
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        ExpressionCompiler compiler = new ExpressionCompiler();
        long t1 = System.nanoTime();
        CompiledExpression first = compiler.compile("steps?.load?.metrics?.p99 < 250 && passed('load')");
        long t2 = System.nanoTime();
        CompiledExpression second = compiler.compile("vars.list.collect { it * 2 }.sum()");
        long t3 = System.nanoTime();
        Map<String, Object> bindings = Map.of(
                "steps", Map.of("load", Map.of("metrics", Map.of("p99", 180))),
                "vars", Map.of("list", List.of(1, 2, 3)),
                "passed", (Predicate<String>) id -> true);
        Object firstValue = first.evaluate(bindings);
        long t4 = System.nanoTime();
        int rounds = 20_000;
        for (int i = 0; i < rounds; i++) {
            first.evaluate(bindings);
            second.evaluate(bindings);
        }
        long t5 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            first.evaluate(bindings);
        }
        long t6 = System.nanoTime();
        System.out.printf("new ExpressionCompiler(): %.2f ms%n", (t1 - t0) / 1e6);
        System.out.printf("first compile (cold, loads Groovy): %.0f ms%n", (t2 - t1) / 1e6);
        System.out.printf("second compile: %.1f ms%n", (t3 - t2) / 1e6);
        System.out.printf("first evaluate: %.1f ms -> %s%n", (t4 - t3) / 1e6, firstValue);
        System.out.printf("cached evaluate after %d warm-up rounds: %.1f us each%n", rounds, (t6 - t5) / 1e3 / rounds);
        System.out.printf("cache hit compile: %.1f us%n", time(() -> compiler.compile("vars.list.collect { it * 2 }.sum()")) / 1e3);
    }

    private static long time(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return System.nanoTime() - start;
    }
}
