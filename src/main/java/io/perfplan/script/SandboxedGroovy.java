package io.perfplan.script;

import groovy.lang.Binding;
import groovy.lang.GString;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.lang.Script;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.codehaus.groovy.ast.expr.ArrayExpression;
import org.codehaus.groovy.ast.expr.AttributeExpression;
import org.codehaus.groovy.ast.expr.ClosureListExpression;
import org.codehaus.groovy.ast.expr.FieldExpression;
import org.codehaus.groovy.ast.expr.MethodPointerExpression;
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression;
import org.codehaus.groovy.ast.stmt.AssertStatement;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.EmptyStatement;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.IfStatement;
import org.codehaus.groovy.ast.stmt.ReturnStatement;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.customizers.SecureASTCustomizer;
import org.codehaus.groovy.control.messages.ExceptionMessage;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * The Groovy side of {@link ExpressionCompiler}: one class loader and one compiler configuration
 * with the sandbox customizers, created on first use so that callers that never need Groovy never
 * load it.
 */
final class SandboxedGroovy {

    private static final String GLOBAL_TRANSFORMS = "META-INF/services/org.codehaus.groovy.transform.ASTTransformation";

    private final long timeLimitMillis;
    private final ExpressionClassLoader loader;
    private final AtomicLong sequence = new AtomicLong();

    SandboxedGroovy(Duration timeLimit) {
        this.timeLimitMillis = timeLimit.toMillis();
        ClassLoader parent = SandboxedGroovy.class.getClassLoader();
        CompilerConfiguration config = new CompilerConfiguration();
        config.setScriptBaseClass(ExpressionScript.class.getName());
        config.setDisabledGlobalASTTransformations(globalTransforms(parent));
        config.addCompilationCustomizers(
                SandboxTransformer.structure(),
                SandboxTransformer.expressions(),
                secureAst(),
                SandboxTransformer.guard());
        this.loader = new ExpressionClassLoader(parent, config);
    }

    /** Compiles one expression to a script class; throws {@link ExpressionException} for errors and static violations. */
    Constructor<? extends Script> compile(String source) {
        String name = "Expression" + sequence.incrementAndGet();
        Class<?> type;
        try {
            type = loader.parseClass(new GroovyCodeSource(source, name, "/groovy/perfplan/expression"), false);
        } catch (MultipleCompilationErrorsException e) {
            throw translate(e);
        } catch (CompilationFailedException e) {
            throw new ExpressionException(ExpressionException.Kind.SYNTAX,
                    "Expression does not compile: " + firstLine(e.getMessage()), -1, -1, e);
        } catch (StackOverflowError e) {
            // Groovy's parser and AST visitors recurse once per operator: a chain of hundreds (a.b.c... or 1+1+...) ends here
            throw new ExpressionException(ExpressionException.Kind.SYNTAX,
                    "Expression is too long a chain of operators to compile; split it or move the logic into a script action.");
        }
        try {
            return type.asSubclass(Script.class).getConstructor(Binding.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("compiled expression has no Binding constructor", e);
        }
    }

    /** Runs a compiled expression with fresh bindings; the script object is never shared between calls. */
    Object evaluate(Constructor<? extends Script> constructor, Map<String, ?> bindings) {
        try {
            ExpressionScript script = (ExpressionScript) constructor.newInstance(new Binding(new LinkedHashMap<>(bindings)));
            script.startClock(timeLimitMillis);
            return normalized(script.run());
        } catch (InvocationTargetException e) {
            throw runtimeFailure(e.getCause(), constructor.getDeclaringClass());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate a compiled expression", e);
        } catch (Exception | StackOverflowError | AssertionError e) {
            throw runtimeFailure(e, constructor.getDeclaringClass());
        }
    }

    /** Drops a compiled class that left the cache, so its class loader can be collected. */
    void forget(Constructor<? extends Script> constructor) {
        InvokerHelper.removeClass(constructor.getDeclaringClass());
    }

    private ExpressionException runtimeFailure(Throwable failure, Class<?> scriptClass) {
        int line = lineIn(failure, scriptClass);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ExpressionException known) {
                return known.line().isPresent() || line < 0 ? known
                        : new ExpressionException(known.kind(), known.getMessage(), line, -1, known.getCause());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (failure instanceof AssertionError) {
            return new ExpressionException(ExpressionException.Kind.RUNTIME,
                    "Expression failed an assert: " + trimPeriod(firstLine(String.valueOf(failure.getMessage()))) + ".",
                    line, -1, null);
        }
        if (failure instanceof StackOverflowError) {
            return new ExpressionException(ExpressionException.Kind.RUNTIME,
                    "Expression recursed too deeply and was stopped.", line, -1, null);
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : firstLine(failure.getMessage());
        return new ExpressionException(ExpressionException.Kind.RUNTIME,
                "Expression failed: " + trimPeriod(message) + ".", line, -1, failure);
    }

    private static int lineIn(Throwable failure, Class<?> scriptClass) {
        String name = scriptClass.getName();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if ((frame.getClassName().equals(name) || frame.getClassName().startsWith(name + "$"))
                        && frame.getLineNumber() > 0) {
                    return frame.getLineNumber();
                }
            }
        }
        return -1;
    }

    /** Expressions give plain values: GStrings become Strings, ranges and sets become lists; closures cannot escape. */
    static Object normalized(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof GString || value instanceof Character) {
            return value.toString();
        }
        if (SandboxGuard.isFunction(value)) {
            throw new ExpressionException(ExpressionException.Kind.RUNTIME,
                    "The expression's value is a closure or function; call it or return a plain value instead.");
        }
        if (SandboxPolicy.deniedType(value.getClass())) {
            throw new ExpressionException(ExpressionException.Kind.SANDBOX,
                    "Expressions may not return a " + value.getClass().getName() + " value.");
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                copy.put(normalized(e.getKey()), normalized(e.getValue()));
            }
            return copy;
        }
        if (value instanceof Collection<?> collection) {
            List<Object> copy = new ArrayList<>(collection.size());
            for (Object element : collection) {
                copy.add(normalized(element));
            }
            return copy;
        }
        return value;
    }

    private static ExpressionException translate(MultipleCompilationErrorsException e) {
        List<? extends Message> errors = e.getErrorCollector().getErrors();
        Message first = errors == null || errors.isEmpty() ? null : errors.get(0);
        if (first instanceof ExceptionMessage exceptionMessage) {
            Exception cause = exceptionMessage.getCause();
            if (cause instanceof ExpressionException known) {
                return known;
            }
            if (cause instanceof SecurityException security) {
                return new ExpressionException(ExpressionException.Kind.SANDBOX,
                        "Expression is not allowed: " + trimPeriod(firstLine(security.getMessage())) + ".", -1, -1, security);
            }
        }
        if (first instanceof SyntaxErrorMessage syntax) {
            SyntaxException cause = syntax.getCause();
            if (cause.getCause() instanceof ExpressionException known) {
                return known;
            }
            if (cause.getCause() instanceof SecurityException security) {
                return new ExpressionException(ExpressionException.Kind.SANDBOX,
                        "Expression is not allowed: " + trimPeriod(firstLine(security.getMessage())) + ".",
                        cause.getStartLine(), cause.getStartColumn(), security);
            }
            return new ExpressionException(ExpressionException.Kind.SYNTAX,
                    "Expression does not compile: " + trimPeriod(firstLine(cause.getOriginalMessage())) + ".",
                    cause.getStartLine(), cause.getStartColumn(), e);
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ExpressionException known) {
                return known;
            }
        }
        return new ExpressionException(ExpressionException.Kind.SYNTAX,
                "Expression does not compile: " + trimPeriod(firstLine(e.getMessage())) + ".", -1, -1, e);
    }

    private static SecureASTCustomizer secureAst() {
        SecureASTCustomizer secure = new SecureASTCustomizer();
        secure.setPackageAllowed(false);
        secure.setMethodDefinitionAllowed(false);
        secure.setAllowedImports(List.of());
        secure.setAllowedStarImports(List.of());
        secure.setAllowedStaticImports(List.of());
        secure.setAllowedStaticStarImports(List.of());
        secure.setAllowedStatements(List.of(BlockStatement.class, ExpressionStatement.class, ReturnStatement.class,
                IfStatement.class, EmptyStatement.class, AssertStatement.class));
        secure.setDisallowedExpressions(List.of(MethodPointerExpression.class, AttributeExpression.class,
                FieldExpression.class, ArrayExpression.class, ClosureListExpression.class,
                StaticMethodCallExpression.class));
        return secure;
    }

    /** Every global AST transform on the class path (e.g. @Grab's) is disabled: none may run in the compiler. */
    private static Set<String> globalTransforms(ClassLoader loader) {
        Set<String> names = new TreeSet<>(Set.of("groovy.grape.GrabAnnotationTransformation"));
        try {
            Enumeration<URL> resources = loader.getResources(GLOBAL_TRANSFORMS);
            while (resources.hasMoreElements()) {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(resources.nextElement().openStream(), StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        String name = line.replaceAll("#.*", "").trim();
                        if (!name.isEmpty()) {
                            names.add(name);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the known transforms above are still disabled
        }
        return names;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        String line = message.strip();
        int newline = line.indexOf('\n');
        line = newline < 0 ? line : line.substring(0, newline).strip();
        return line.replaceAll("\\s*@ line \\d+, column \\d+\\.?$", "");
    }

    private static String trimPeriod(String text) {
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    /** A Groovy class loader that keeps no compiled classes of its own and never compiles sources from the class path. */
    private static final class ExpressionClassLoader extends GroovyClassLoader {

        ExpressionClassLoader(ClassLoader parent, CompilerConfiguration config) {
            super(parent, config);
            setResourceLoader(filename -> null);
        }

        @Override
        @SuppressWarnings("rawtypes")
        protected void setClassCacheEntry(Class cls) {
            // expressions are cached by ExpressionCompiler; holding them here too would keep evicted classes alive
        }
    }
}
