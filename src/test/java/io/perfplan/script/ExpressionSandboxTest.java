package io.perfplan.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExpressionSandboxTest {

    private static final ExpressionCompiler COMPILER = new ExpressionCompiler();

    private static final Map<String, Object> BINDINGS = Map.of(
            "x", "ls",
            "params", Map.of("rate", 10),
            "list", List.of(1, 2, 3),
            "success", (Supplier<Boolean>) () -> true);

    @TempDir
    Path dir;

    /** The escapes named in the brief; each is refused when compiling, before anything runs. */
    static Stream<String> knownEscapes() {
        return Stream.of(
                "'ls'.execute()",
                "['sh','-c','id'].execute()",
                "System.exit(1)",
                "System.getenv('HOME')",
                "System.getProperty('user.home')",
                "Runtime.getRuntime().exec('id')",
                "new ProcessBuilder('id').start()",
                "new File('/etc/passwd').text",
                "'/etc/passwd' as File",
                "new URL('http://x').text",
                "Class.forName('java.lang.Runtime')",
                "''.getClass().forName('java.lang.Runtime')",
                "''.class.forName('x')",
                "this.class.classLoader",
                "Thread.start { }",
                "new Thread({}).start()",
                "java.util.concurrent.Executors.newFixedThreadPool(1)",
                "String.metaClass.foo = { 1 }",
                "''.metaClass",
                "evaluate('1')",
                "new GroovyShell().evaluate('1')",
                "Eval.me('1')",
                "@Grab('x:y:1') import x",
                "import java.io.File; 1",
                "x.\"${'exe'+'cute'}\"()",
                "''.invokeMethod('execute', null)",
                "def f() { 1 }; f()",
                "class A {}; 1",
                "while(true){}",
                "this.binding.variables",
                "''.&execute",
                "Runtime.runtime",
                "java.lang.Runtime.runtime.exec('id')",
                "new groovy.lang.GroovyClassLoader()",
                "ClassLoader.systemClassLoader",
                "''.getClass().getClassLoader()",
                "[].getClass()",
                "Thread.currentThread()",
                "sleep(100000)",
                "'x'.toURL()",
                "new Socket('127.0.0.1', 80)",
                "System.out.println('x')",
                "println 'x'",
                // more of the same families
                "for (i in [1]) { }",
                "do { } while (true)",
                "try { 1 } catch (e) { 2 }",
                "x.\"$x\"",
                "x.@value",
                "String::valueOf",
                "x.properties",
                "x.respondsTo('size')",
                "x.with { execute() }",
                "x.with { delegate.execute() }",
                "x.asType(File)",
                "x.use(Object) { 1 }",
                "[1].collect { File f -> f }",
                "File f = null; 1",
                "params = [:]",
                "params.rate = 0",
                "params['rate'] = 0",
                "list[0] = 9",
                "[1] as String[]",
                "new Object() { }",
                "new java.util.Timer()",
                "Boolean.getBoolean('java.awt.headless')",
                "Math.class",
                "[String]",
                "'x'.wait()",
                "[1, 2].parallelStream()",
                "@groovy.transform.ASTTest(value = { 1 }) def y = 1",
                "package p; 1",
                "list.collect(Math.&abs)",
                "list.collect { a, b = x.getClass() -> b }",
                "list.collect { a, b = x['class'] -> b }",
                "\"${-> x.execute()}\"",
                "x.'getClass'()",
                "x?.getClass()",
                "list*.getClass()",
                "[1].inject(x) { a, b -> a.execute() }",
                "Integer.TYPE.forName('x')",
                "run()",
                "getBinding()");
    }

    @ParameterizedTest
    @MethodSource("knownEscapes")
    void refusesKnownEscapesWhenCompiling(String escape) {
        assertThatThrownBy(() -> COMPILER.compile(escape))
                .as(escape)
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.kind()).as(escape + ": " + e.getMessage()).isEqualTo(ExpressionException.Kind.SANDBOX);
                    assertThat(e.isSandboxViolation()).isTrue();
                    assertThat(e.getMessage()).as(escape).doesNotContain("\n").endsWith(".");
                    assertThat(e.line()).as(escape).isPresent();
                });
    }

    /** Escapes the compile-time check cannot see (the name is computed, or the value arrives at run time). */
    static Stream<String> runtimeEscapes() {
        return Stream.of(
                "''['class']",
                "def k = 'cla' + 'ss'; ''[k]",
                "def k = 'meta' + 'Class'; list[0][k]",
                "[''].collect { it['class'] }",
                "'x'.getAt('metaClass')",
                "1.getAt('class')",
                "list.getAt('class')[0]",
                "def c = { -> 1 }; c['owner']",
                "def c = { -> 1 }; def k = 'dele' + 'gate'; c[k]",
                "list.stream()",
                "Math.getName()",
                "Math.name",
                "success.getClass",
                "def c = success; def k = 'own' + 'er'; c[k]",
                "Integer.TYPE",
                "x.bytes.encodeBase64().with { it['class'] }",
                "[x: 1].with { def k = 'class'; 1[k] }");
    }

    @ParameterizedTest
    @MethodSource("runtimeEscapes")
    void refusesRuntimeEscapesWhenEvaluating(String escape) {
        CompiledExpression compiled = COMPILER.compile(escape);
        assertThatThrownBy(() -> compiled.evaluate(BINDINGS))
                .as(escape)
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.kind()).as(escape + ": " + e.getMessage()).isEqualTo(ExpressionException.Kind.SANDBOX);
                    assertThat(e.getMessage()).doesNotContain("\n");
                });
    }

    /**
     * The known Groovy sandbox escapes, one table: each is refused when compiling (kind SANDBOX, or
     * SYNTAX where the class cannot even be named) or, when the text cannot show it, when evaluating
     * (kind SANDBOX), before anything runs.
     */
    static Stream<String> escapeTable() {
        return Stream.concat(Stream.concat(knownEscapes(), runtimeEscapes()), Stream.of(
                "\"${'id'.execute()}\".toString()",
                "\"${x.execute()}\"",
                "\"${\"${x.execute()}\"}\"",
                "x.&execute",
                "def c = x.&execute; c()",
                "[x].collect(String.&valueOf)",
                "x.@value",
                "'java.lang.Runtime' as Class",
                "x as Class",
                "x as ProcessBuilder",
                "[x] as ProcessBuilder",
                "x.asType(Class)",
                "Runtime.getRuntime()",
                "java.lang.Runtime.getRuntime()",
                "System.getenv()",
                "System.properties",
                "System.getProperties()",
                "System.properties['user.home']",
                "System.setProperty('x', 'y')",
                "Class.forName('java.lang.Runtime').newInstance()",
                "x.class.forName('java.lang.Runtime')",
                "x.class",
                "(x as Object).getClass()",
                "Math.class.classLoader",
                "Integer.class",
                "ClassLoader.getSystemClassLoader()",
                "this.class.classLoader.loadClass('java.lang.Runtime')",
                "this.getClass()",
                "getClass()",
                "this.binding",
                "this.getBinding()",
                "binding.variables",
                "owner",
                "delegate",
                "x.with { owner }",
                "x.with { delegate }",
                "x.with { getClass() }",
                "x.with { it.execute() }",
                "x.with { evaluate('1') }",
                "{ -> owner }()",
                "{ -> delegate.class }()",
                "{ -> thisObject }()",
                "x.tap { it.execute() }",
                "String.metaClass.invokeMethod = { String n, Object a -> 1 }",
                "x.metaClass.invokeMethod('execute', null)",
                "x.metaClass.getMetaMethod('execute').invoke(x)",
                "x.getMetaClass()",
                "new ExpandoMetaClass(String)",
                "x.getProperty('class')",
                "x.metaPropertyValues",
                "x.invokeMethod('execute', null)",
                "x.\"execute\"()",
                "x.'execute'()",
                "['id']*.execute()",
                "[x]*.getClass()",
                "x.tokenize()*.execute()",
                "*list.execute()",
                "org.codehaus.groovy.runtime.ProcessGroovyMethods.execute(x)",
                "org.codehaus.groovy.runtime.InvokerHelper.invokeMethod(x, 'execute', null)",
                "java.nio.file.Files.readString(java.nio.file.Path.of('/etc/passwd'))",
                "new Scanner(new File('/etc/passwd'))",
                "new URL('http://127.0.0.1:1/').text",
                "new URI('http://127.0.0.1:1/').toURL()",
                "Thread.sleep(1)",
                "x.sleep(1)",
                "Thread.startDaemon { }",
                "new GroovyShell().evaluate('1')",
                "new GroovyShell().parse('1').run()",
                "new GroovyClassLoader().parseClass('class A {}')",
                "Eval.x(1, 'x')",
                "Eval.me('1')",
                "evaluate('1')",
                "@Grab('org.evil:evil:1') def a = 1",
                "@groovy.lang.Grab('org.evil:evil:1') def a = 1",
                "@groovy.lang.GrabConfig(systemClassLoader = true) def a = 1",
                "@groovy.transform.Field def a = 1",
                "@groovy.transform.ASTTest(phase = org.codehaus.groovy.control.CompilePhase.CONVERSION, value = { 1 }) def a = 1",
                "@groovy.transform.CompileStatic def a = 1",
                "new Script() { def run() { 1 } }",
                "(x as Script)",
                "x.withTraits(Comparable)",
                "x.use(Object) { 1 }",
                "x.mixin(Object)",
                "x.dump()",
                "x.respondsTo('execute')",
                "Boolean.getBoolean('x')",
                "Integer.getInteger('x')",
                "Long.getLong('x')"));
    }

    @ParameterizedTest
    @MethodSource("escapeTable")
    void refusesEveryKnownEscapeAtCompileOrEvaluation(String escape) {
        CompiledExpression compiled;
        try {
            compiled = COMPILER.compile(escape);
        } catch (ExpressionException e) {
            assertThat(e.kind()).as(escape + ": " + e.getMessage())
                    .isIn(ExpressionException.Kind.SANDBOX, ExpressionException.Kind.SYNTAX);
            assertThat(e.getMessage()).as(escape).doesNotContain("\n");
            return;
        }
        assertThatThrownBy(() -> compiled.evaluate(BINDINGS))
                .as(escape + " compiled, so it must be refused when evaluated")
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    // a free name (owner, delegate, binding) is only ever looked up among the bindings
                    if (!e.getMessage().startsWith("Unknown name '")) {
                        assertThat(e.kind()).as(escape + ": " + e.getMessage()).isEqualTo(ExpressionException.Kind.SANDBOX);
                    }
                    assertThat(e.getMessage()).doesNotContain("\n");
                });
    }

    @Test
    void escapesThatWouldWriteAFileLeaveNoFile() throws Exception {
        Path marker = dir.resolve("escaped");
        String m = "'" + marker + "'";
        List<String> escapes = List.of(
                "['touch', " + m + "].execute()",
                "('touch ' + " + m + ").execute()",
                "['touch', " + m + "].with { execute() }",
                "new File(" + m + ").createNewFile()",
                "new File(" + m + ") << 'x'",
                "(" + m + " as File).createNewFile()",
                "new FileWriter(" + m + ").write('x')",
                "java.nio.file.Files.createFile(java.nio.file.Paths.get(" + m + "))",
                "Runtime.runtime.exec(['touch', " + m + "] as String[])",
                "new ProcessBuilder('touch', " + m + ").start().waitFor()",
                "Thread.start { new File(" + m + ").createNewFile() }",
                "evaluate(\"new File(" + m.replace("'", "\\'") + ").createNewFile()\")",
                "Eval.me(\"new File(" + m.replace("'", "\\'") + ").createNewFile()\")",
                "@groovy.transform.ASTTest(value = { new File(" + m + ").createNewFile() }) def y = 1",
                "def k = 'exe' + 'cute'; ['touch', " + m + "].\"$k\"()",
                "def f = { it.execute() }; f(['touch', " + m + "])");
        for (String escape : escapes) {
            assertThatThrownBy(() -> COMPILER.compile(escape).evaluate(BINDINGS))
                    .as(escape)
                    .isInstanceOfSatisfying(ExpressionException.class,
                            e -> assertThat(e.kind()).as(escape).isEqualTo(ExpressionException.Kind.SANDBOX));
        }
        Thread.sleep(200); // a thread or process an escape had started would have created the file by now
        assertThat(marker).doesNotExist();
        assertThat(Files.list(dir)).isEmpty();
    }

    @Test
    void unicodeEscapesInNamesDoNotCompile() {
        assertThatThrownBy(() -> COMPILER.compile("x.\\u0065xecute()")).isInstanceOf(ExpressionException.class);
    }

    @Test
    void escapesThatWouldConnectMakeNoConnection() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(300);
            String url = "'http://127.0.0.1:" + server.getLocalPort() + "/'";
            for (String escape : List.of(
                    "new Socket('127.0.0.1', " + server.getLocalPort() + ")",
                    "new URL(" + url + ").text",
                    url + ".toURL().text",
                    "new URI(" + url + ").toURL().openStream()",
                    "(" + url + " as URL).text")) {
                assertThatThrownBy(() -> COMPILER.compile(escape).evaluate(BINDINGS))
                        .as(escape)
                        .isInstanceOfSatisfying(ExpressionException.class,
                                e -> assertThat(e.kind()).isEqualTo(ExpressionException.Kind.SANDBOX));
            }
            assertThatThrownBy(server::accept).isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void refusedMetaClassChangeDoesNotChangeString() {
        assertThatThrownBy(() -> COMPILER.compile("String.metaClass.escaped = { 1 }"))
                .isInstanceOf(ExpressionException.class);
        assertThat(InvokerHelper.getMetaClass(String.class).respondsTo("", "escaped")).isEmpty();
    }

    @Test
    void refusedPrintingPrintsNothing() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            for (String escape : List.of("println 'escaped'", "System.out.println('escaped')", "print('escaped')",
                    "printf('%s', 'escaped')", "x.with { println it }")) {
                assertThatThrownBy(() -> COMPILER.compile(escape).evaluate(BINDINGS)).isInstanceOf(ExpressionException.class);
            }
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString()).doesNotContain("escaped");
    }

    @Test
    void refusedSleepReturnsAtOnce() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> COMPILER.compile("sleep(100000); 1").evaluate(BINDINGS)).isInstanceOf(ExpressionException.class);
        assertThatThrownBy(() -> COMPILER.compile("1.with { sleep 100000 }").evaluate(BINDINGS)).isInstanceOf(ExpressionException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void bindingsCannotBeReachedOrChanged() {
        Map<String, Object> bindings = new java.util.HashMap<>(BINDINGS);
        assertThatThrownBy(() -> COMPILER.compile("this.binding.variables.x = 'changed'")).isInstanceOf(ExpressionException.class);
        assertThatThrownBy(() -> COMPILER.compile("binding.variables.clear(); 1").evaluate(bindings))
                .isInstanceOfSatisfying(ExpressionException.class, e -> assertThat(e.getMessage()).startsWith("Unknown name 'binding'"));
        assertThatThrownBy(() -> COMPILER.compile("x = 'changed'")).isInstanceOf(ExpressionException.class);
        assertThat(bindings.get("x")).isEqualTo("ls");
    }

    @Test
    void violationNamesTheColumn() {
        assertThatThrownBy(() -> COMPILER.compile("1 + 'ls'.execute()"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.getMessage()).contains("'execute'");
                    assertThat(e.line()).hasValue(1);
                    assertThat(e.column()).hasValue(10);
                });
        assertThatThrownBy(() -> COMPILER.compile("1 +\n  System.exit(1)"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> assertThat(e.line()).hasValue(2));
    }

    @Test
    void safeConveniencesStayAllowed() {
        assertThat(COMPILER.compile("x.with { it.toUpperCase() }").evaluate(BINDINGS)).isEqualTo("LS");
        assertThat(COMPILER.compile("x.tap { it.size() }").evaluate(BINDINGS)).isEqualTo("ls");
        assertThat(COMPILER.compile("[a: 1]['class']").evaluate(BINDINGS)).isNull();
        assertThat(COMPILER.compile("list instanceof List").evaluate(BINDINGS)).isEqualTo(true);
        assertThat(COMPILER.compile("Collections.max(list) + Arrays.asList(1).size()").evaluate(BINDINGS)).isEqualTo(4);
    }
}
