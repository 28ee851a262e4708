package io.perfplan.script;

import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.control.customizers.ImportCustomizer;
import org.codehaus.groovy.control.messages.ExceptionMessage;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Compiles trusted Groovy scripts (a project's {@code scripts/} and the {@code groovy} action's
 * code) with a normal, unsandboxed class loader, like a Jenkinsfile: they may do anything the
 * perfplan process may. Plan expressions ({@code ${...}}) never come here; they stay in the
 * sandboxed {@link ExpressionCompiler}.
 *
 * <p>Each distinct (name, content) pair is compiled once per process and kept (at most
 * {@value #CACHE_LIMIT} modules, least recently used evicted). Compile errors are
 * {@link ScriptException}s with the file, line and column of the first error.
 */
public final class ScriptActionLoader {

    static final int CACHE_LIMIT = 256;
    private static final ScriptActionLoader SHARED = new ScriptActionLoader();

    private final Map<String, ScriptModule> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ScriptModule> eldest) {
            return size() > CACHE_LIMIT;
        }
    };
    private final AtomicInteger compilations = new AtomicInteger();

    /** The loader of this process, whose cache every caller shares. */
    public static ScriptActionLoader shared() {
        return SHARED;
    }

    /**
     * Reads and compiles a script file (or returns the module compiled earlier from the same content).
     *
     * @param name how errors name the file, normally its path relative to the project
     */
    public ScriptModule load(Path file, String name) {
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScriptException(name, 0, 0, "cannot be read (" + e.getMessage() + "); check the path", e);
        }
        return compile(source, name);
    }

    /** Compiles source text named {@code name} in errors (cached by name and content). */
    public ScriptModule compile(String source, String name) {
        String hash = sha256(source);
        String key = name + "\u0000" + hash;
        synchronized (cache) {
            ScriptModule m = cache.get(key);
            if (m != null) {
                return m;
            }
        }
        ScriptModule compiled = doCompile(source, name, hash);
        synchronized (cache) {
            return cache.computeIfAbsent(key, k -> compiled);
        }
    }

    /** How many compilations this loader has done (cache misses), for tests and benchmarks. */
    public int compilations() {
        return compilations.get();
    }

    private ScriptModule doCompile(String source, String name, String hash) {
        compilations.incrementAndGet();
        boolean[] definesActions = {false};
        CompilerConfiguration config = new CompilerConfiguration();
        config.setScriptBaseClass(ActionScript.class.getName());
        config.addCompilationCustomizers(
                new ImportCustomizer().addImports("java.time.Duration", "java.time.Instant", "java.nio.file.Path"),
                new CompilationCustomizer(CompilePhase.CONVERSION) {
                    @Override
                    public void call(SourceUnit unit, GeneratorContext context, ClassNode classNode) {
                        if (classNode.isScript() && callsAction(unit.getAST().getStatementBlock().getStatements())) {
                            definesActions[0] = true;
                        }
                    }
                });
        GroovyClassLoader loader = new GroovyClassLoader(ScriptActionLoader.class.getClassLoader(), config);
        Class<?> main;
        try {
            main = loader.parseClass(new GroovyCodeSource(source, className(name, hash) + ".groovy", "/groovy/script"), false);
        } catch (MultipleCompilationErrorsException e) {
            throw compileError(source, name, e);
        } catch (CompilationFailedException e) {
            throw new ScriptException(name, 0, 0, "does not compile: " + firstLine(e.getMessage()), e);
        }
        List<Class<?>> classes = new ArrayList<>();
        classes.add(main);
        for (Class<?> c : loader.getLoadedClasses()) {
            if (c != main && !c.getName().contains("$_")) {
                classes.add(c);
            }
        }
        return new ScriptModule(name, hash, main, classes, definesActions[0]);
    }

    private static boolean callsAction(List<Statement> statements) {
        for (Statement s : statements) {
            if (s instanceof ExpressionStatement es && es.getExpression() instanceof MethodCallExpression call
                    && call.isImplicitThis() && "action".equals(call.getMethodAsString())) {
                return true;
            }
        }
        return false;
    }

    private static ScriptException compileError(String source, String name, MultipleCompilationErrorsException e) {
        List<? extends Message> errors = e.getErrorCollector().getErrors();
        Message first = errors == null || errors.isEmpty() ? null : errors.get(0);
        if (first instanceof SyntaxErrorMessage syntax) {
            SyntaxException s = syntax.getCause();
            String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
            SyntaxErrorLocator.Located at = SyntaxErrorLocator.refine(source,
                    new SyntaxErrorLocator.Located(s.getLine(), s.getStartColumn(), firstLine(s.getOriginalMessage())));
            return new ScriptException(name, at.line(), at.column(), firstLine(at.message()) + more, e);
        }
        if (first instanceof ExceptionMessage em && em.getCause() != null) {
            return new ScriptException(name, 0, 0, "does not compile: " + firstLine(String.valueOf(em.getCause().getMessage())), e);
        }
        return new ScriptException(name, 0, 0, "does not compile: " + firstLine(e.getMessage()), e);
    }

    /** A class name Groovy accepts, from the file's base name; the hash keeps two same-named files apart. */
    private static String className(String name, String hash) {
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        if (base.endsWith(".groovy")) {
            base = base.substring(0, base.length() - ".groovy".length());
        }
        StringBuilder b = new StringBuilder();
        for (char ch : base.toCharArray()) {
            b.append(Character.isJavaIdentifierPart(ch) ? ch : '_');
        }
        if (b.length() == 0 || !Character.isJavaIdentifierStart(b.charAt(0))) {
            b.insert(0, 's');
        }
        return b + "_" + hash.substring(0, 8);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String firstLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
