package io.perfplan.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionCompilerTest {

    @Test
    void constructingACompilerLoadsNoGroovyClass() throws Exception {
        try (IsolatedLoader loader = new IsolatedLoader()) {
            Class<?> type = loader.loadClass(ExpressionCompiler.class.getName());
            Object compiler = type.getConstructor().newInstance();
            type.getMethod("timeLimit").invoke(compiler);
            assertThat(loader.loaded("groovy.lang.Script")).isFalse();
            assertThat(loader.loaded("groovy.lang.GroovyClassLoader")).isFalse();

            Object compiled = type.getMethod("compile", String.class).invoke(compiler, "1 + 1");
            assertThat(loader.loaded("groovy.lang.GroovyClassLoader")).isTrue();
            assertThat(compiled.getClass().getMethod("evaluate", Map.class).invoke(compiled, Map.of())).isEqualTo(2);
        }
    }

    @Test
    void evictsTheLeastRecentlyUsedExpression() {
        ExpressionCompiler compiler = new ExpressionCompiler(Duration.ofSeconds(2), 2);
        CompiledExpression a = compiler.compile("1");
        CompiledExpression b = compiler.compile("2");
        assertThat(compiler.compile("1")).isSameAs(a);
        compiler.compile("3"); // evicts "2", the least recently used
        assertThat(compiler.compile("1")).isSameAs(a);
        assertThat(compiler.compile("2")).isNotSameAs(b);
        assertThat(b.evaluate(Map.of())).isEqualTo(2); // an evicted expression a caller still holds keeps working
    }

    @Test
    void compilesConcurrentlyToOneCachedInstance() throws Exception {
        ExpressionCompiler compiler = new ExpressionCompiler();
        List<CompiledExpression> results = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            threads.add(new Thread(() -> results.add(compiler.compile("[1, 2].sum()"))));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(results).hasSize(4);
        assertThat(compiler.compile("[1, 2].sum()")).isIn(results);
        assertThat(results.get(0).evaluate(Map.of())).isEqualTo(3);
    }

    @Test
    void assertFailureIsARuntimeError() {
        assertThatThrownBy(() -> new ExpressionCompiler().compile("assert 1 == 2").evaluate(Map.of()))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ExpressionException.Kind.RUNTIME);
                    assertThat(e.getMessage()).doesNotContain("\n");
                });
    }

    @Test
    void rejectsUnusableTimeLimits() {
        assertThatThrownBy(() -> new ExpressionCompiler(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExpressionCompiler(Duration.ofHours(2))).isInstanceOf(IllegalArgumentException.class);
    }

    /** Loads this project's and Groovy's classes afresh (child first), to see which classes a call loads. */
    private static final class IsolatedLoader extends URLClassLoader {

        IsolatedLoader() throws MalformedURLException {
            super(classPath(), ClassLoader.getPlatformClassLoader());
        }

        private static URL[] classPath() throws MalformedURLException {
            List<URL> urls = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                urls.add(new File(entry).toURI().toURL());
            }
            return urls.toArray(URL[]::new);
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }
    }
}
