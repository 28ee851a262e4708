package io.perfplan.script;

import java.util.ArrayList;
import java.util.List;
import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.ast.AnnotatedNode;
import org.codehaus.groovy.ast.AnnotationNode;
import org.codehaus.groovy.ast.ClassCodeExpressionTransformer;
import org.codehaus.groovy.ast.ClassHelper;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.CodeVisitorSupport;
import org.codehaus.groovy.ast.DynamicVariable;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.Parameter;
import org.codehaus.groovy.ast.Variable;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ArrayExpression;
import org.codehaus.groovy.ast.expr.AttributeExpression;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.CastExpression;
import org.codehaus.groovy.ast.expr.ClassExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.ClosureListExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.ConstructorCallExpression;
import org.codehaus.groovy.ast.expr.DeclarationExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.FieldExpression;
import org.codehaus.groovy.ast.expr.MapExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.MethodPointerExpression;
import org.codehaus.groovy.ast.expr.MethodReferenceExpression;
import org.codehaus.groovy.ast.expr.NamedArgumentListExpression;
import org.codehaus.groovy.ast.expr.PostfixExpression;
import org.codehaus.groovy.ast.expr.PrefixExpression;
import org.codehaus.groovy.ast.expr.PropertyExpression;
import org.codehaus.groovy.ast.expr.SpreadExpression;
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.BreakStatement;
import org.codehaus.groovy.ast.stmt.ContinueStatement;
import org.codehaus.groovy.ast.stmt.DoWhileStatement;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.ForStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.ast.stmt.SwitchStatement;
import org.codehaus.groovy.ast.stmt.SynchronizedStatement;
import org.codehaus.groovy.ast.stmt.ThrowStatement;
import org.codehaus.groovy.ast.stmt.TryCatchStatement;
import org.codehaus.groovy.ast.stmt.WhileStatement;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.syntax.Types;

/**
 * The compile-time half of the sandbox, as two compilation customizers.
 *
 * <p>{@link #structure()} runs right after parsing (before any annotation-driven AST transform
 * could run code in the compiler) and refuses imports, packages, annotations ({@code @Grab},
 * {@code @ASTTest}, ...), class and method declarations, loops, {@code try}/{@code catch} (which could
 * swallow the time limit), {@code throw}, {@code switch}, {@code synchronized}, {@code break} and
 * {@code continue}.
 *
 * <p>{@link #expressions()} runs once names are resolved and refuses every construct listed in
 * {@link ExpressionCompiler}'s rules; {@link #guard()} then rewrites each method call, property
 * read, subscript and free name into a call to {@link SandboxGuard}, which repeats the checks at
 * run time on the real receiver and result.
 */
final class SandboxTransformer {

    private static final ClassNode GUARD = ClassHelper.make(SandboxGuard.class);

    private SandboxTransformer() {
    }

    static CompilationCustomizer structure() {
        return new CompilationCustomizer(CompilePhase.CONVERSION) {
            @Override
            public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
                checkStructure(source.getAST(), classNode);
            }
        };
    }

    static CompilationCustomizer expressions() {
        return new CompilationCustomizer(CompilePhase.CANONICALIZATION) {
            @Override
            public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
                runMethod(classNode).getCode().visit(new ExpressionCheck());
            }
        };
    }

    /** Must come after every check: the guard calls it adds are themselves static calls the checks refuse. */
    static CompilationCustomizer guard() {
        return new CompilationCustomizer(CompilePhase.CANONICALIZATION) {
            @Override
            public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
                new GuardRewriter(source).visitMethod(runMethod(classNode));
            }
        };
    }

    private static MethodNode runMethod(ClassNode classNode) {
        MethodNode run = classNode.getDeclaredMethod("run", Parameter.EMPTY_ARRAY);
        if (!classNode.isScript() || run == null) {
            throw violation(classNode, "Expressions may not declare classes.");
        }
        return run;
    }

    private static void checkStructure(ModuleNode module, ClassNode classNode) {
        if (module.hasPackage() || module.hasPackageName()) {
            throw violation(module.getPackage(), "Expressions may not declare a package.");
        }
        if (!module.getImports().isEmpty() || !module.getStarImports().isEmpty()
                || !module.getStaticImports().isEmpty() || !module.getStaticStarImports().isEmpty()) {
            ASTNode first = !module.getImports().isEmpty() ? module.getImports().get(0)
                    : !module.getStarImports().isEmpty() ? module.getStarImports().get(0) : null;
            throw violation(first, "Expressions may not import classes; use only the names in scope.");
        }
        MethodNode run = runMethod(classNode);
        for (AnnotationNode annotation : classNode.getAnnotations()) {
            // the compiler marks the script class with @BaseScript(ExpressionScript) itself; that one has no position
            boolean generated = annotation.getLineNumber() < 1
                    && annotation.getClassNode().getName().equals("groovy.transform.BaseScript");
            if (!generated) {
                throw violation(annotation, "Expressions may not use annotations.");
            }
        }
        for (MethodNode method : classNode.getMethods()) {
            if (method != run && !method.getName().equals("main")) {
                throw violation(method, "Expressions may not declare methods; use a closure such as { x -> x * 2 }.");
            }
        }
        if (!classNode.getFields().isEmpty() || !classNode.getProperties().isEmpty()) {
            throw violation(classNode, "Expressions may not declare fields.");
        }
        run.getCode().visit(new StructureCheck());
    }

    /** Statements an expression does not need, and annotations anywhere. */
    private static final class StructureCheck extends CodeVisitorSupport {

        @Override
        public void visitForLoop(ForStatement loop) {
            throw loopViolation(loop);
        }

        @Override
        public void visitWhileLoop(WhileStatement loop) {
            throw loopViolation(loop);
        }

        @Override
        public void visitDoWhileLoop(DoWhileStatement loop) {
            throw loopViolation(loop);
        }

        @Override
        public void visitTryCatchFinally(TryCatchStatement statement) {
            throw statementViolation(statement, "try/catch");
        }

        @Override
        public void visitSwitch(SwitchStatement statement) {
            throw statementViolation(statement, "switch");
        }

        @Override
        public void visitSynchronizedStatement(SynchronizedStatement statement) {
            throw statementViolation(statement, "synchronized");
        }

        @Override
        public void visitThrowStatement(ThrowStatement statement) {
            throw statementViolation(statement, "throw");
        }

        @Override
        public void visitBreakStatement(BreakStatement statement) {
            throw statementViolation(statement, "break");
        }

        @Override
        public void visitContinueStatement(ContinueStatement statement) {
            throw statementViolation(statement, "continue");
        }

        @Override
        public void visitDeclarationExpression(DeclarationExpression expression) {
            rejectAnnotations(expression);
            super.visitDeclarationExpression(expression);
        }

        @Override
        public void visitClosureExpression(ClosureExpression closure) {
            if (closure.getParameters() != null) {
                for (Parameter p : closure.getParameters()) {
                    rejectAnnotations(p);
                }
            }
            super.visitClosureExpression(closure);
        }

        private static void rejectAnnotations(AnnotatedNode node) {
            if (!node.getAnnotations().isEmpty()) {
                throw violation(node.getAnnotations().get(0), "Expressions may not use annotations.");
            }
        }

        private static ExpressionException loopViolation(Statement loop) {
            return violation(loop, "Expressions may not contain loops; use collect, findAll, any, every or sum over a list.");
        }

        private static ExpressionException statementViolation(Statement statement, String what) {
            return violation(statement, "Expressions may not contain " + what + " statements.");
        }
    }

    /** Refuses each forbidden expression form, with its position. */
    private static final class ExpressionCheck extends CodeVisitorSupport {

        @Override
        public void visitMethodCallExpression(MethodCallExpression call) {
            String name = call.getMethodAsString();
            if (name == null) {
                throw violation(call.getMethod(), "Method names in expressions must be written out, not computed.");
            }
            if (SandboxPolicy.DENIED_METHODS.contains(name)) {
                throw violation(call.getMethod(), SandboxGuard.deniedMethod(name).getMessage());
            }
            checkStaticReceiver(call.getObjectExpression());
            if (call.getArguments() instanceof TupleExpression args) {
                for (Expression arg : args.getExpressions()) {
                    if (arg instanceof SpreadExpression) {
                        throw violation(arg, "Expressions may not spread a list into method arguments (*list).");
                    }
                }
            }
            if (!call.isImplicitThis() && !(call.getObjectExpression() instanceof ClassExpression)) {
                // an implicit receiver is a function call, rewritten to the bindings; an explicit this is refused
                call.getObjectExpression().visit(this);
            }
            call.getArguments().visit(this);
        }

        @Override
        public void visitStaticMethodCallExpression(StaticMethodCallExpression call) {
            throw violation(call, "Expressions may not call '" + call.getMethod()
                    + "' without a receiver unless it is a function in scope.");
        }

        @Override
        public void visitPropertyExpression(PropertyExpression property) {
            checkProperty(property);
            if (!(property.getObjectExpression() instanceof ClassExpression)) {
                property.getObjectExpression().visit(this);
            }
            property.getProperty().visit(this);
        }

        @Override
        public void visitAttributeExpression(AttributeExpression attribute) {
            throw violation(attribute, "Expressions may not read fields directly with .@; use .name instead.");
        }

        @Override
        public void visitFieldExpression(FieldExpression field) {
            throw violation(field, "Expressions may not read fields directly.");
        }

        /** Receivers of static members and the right side of instanceof are checked where they occur. */
        @Override
        public void visitClassExpression(ClassExpression expression) {
            throw violation(expression, "Expressions may not use class " + expression.getType().getName()
                    + " as a value; only static members of " + String.join(", ", SandboxGuard.allowedStaticClassNames())
                    + " are available.");
        }

        @Override
        public void visitConstructorCallExpression(ConstructorCallExpression call) {
            String name = call.getType().getName();
            if (call.isSpecialCall() || call.isUsingAnonymousInnerClass()
                    || !SandboxPolicy.CONSTRUCTIBLE.contains(name)) {
                throw violation(call, "Expressions may not create a " + name
                        + "; use list [..] and map [:] literals, or new ArrayList, HashMap, BigDecimal.");
            }
            super.visitConstructorCallExpression(call);
        }

        @Override
        public void visitCastExpression(CastExpression cast) {
            checkType(cast, cast.getType(), "convert a value to");
            super.visitCastExpression(cast);
        }

        @Override
        public void visitDeclarationExpression(DeclarationExpression declaration) {
            if (declaration.isMultipleAssignmentDeclaration()) {
                for (Expression e : declaration.getTupleExpression().getExpressions()) {
                    VariableExpression v = (VariableExpression) e;
                    checkType(v, v.getOriginType(), "declare a variable of type");
                }
            } else {
                VariableExpression v = declaration.getVariableExpression();
                checkType(v, v.getOriginType(), "declare a variable of type");
            }
            declaration.getRightExpression().visit(this);
        }

        @Override
        public void visitClosureExpression(ClosureExpression closure) {
            if (closure.getParameters() != null) {
                for (Parameter p : closure.getParameters()) {
                    checkType(p, p.getOriginType(), "declare a parameter of type");
                    if (p.hasInitialExpression()) {
                        throw violation(p, "Closure parameters in expressions may not have default values.");
                    }
                }
            }
            super.visitClosureExpression(closure);
        }

        @Override
        public void visitMethodPointerExpression(MethodPointerExpression pointer) {
            throw violation(pointer, "Expressions may not take method pointers (.& or ::); use a closure.");
        }

        @Override
        public void visitMethodReferenceExpression(MethodReferenceExpression reference) {
            throw violation(reference, "Expressions may not take method references (::); use a closure.");
        }

        @Override
        public void visitArrayExpression(ArrayExpression array) {
            throw violation(array, "Expressions may not create arrays; use a list [..].");
        }

        @Override
        public void visitClosureListExpression(ClosureListExpression list) {
            throw violation(list, "Expressions may not contain loops.");
        }

        @Override
        public void visitBinaryExpression(BinaryExpression binary) {
            int operation = binary.getOperation().getType();
            if (Types.ofType(operation, Types.ASSIGNMENT_OPERATOR)) {
                checkAssignable(binary.getLeftExpression());
                binary.getRightExpression().visit(this);
                return;
            }
            if ((operation == Types.KEYWORD_INSTANCEOF || operation == Types.COMPARE_NOT_INSTANCEOF)
                    && binary.getRightExpression() instanceof ClassExpression type) {
                checkType(type, type.getType(), "test for");
                binary.getLeftExpression().visit(this);
                return;
            }
            super.visitBinaryExpression(binary);
        }

        @Override
        public void visitPrefixExpression(PrefixExpression expression) {
            checkAssignable(expression.getExpression());
            super.visitPrefixExpression(expression);
        }

        @Override
        public void visitPostfixExpression(PostfixExpression expression) {
            checkAssignable(expression.getExpression());
            super.visitPostfixExpression(expression);
        }

        @Override
        public void visitVariableExpression(VariableExpression variable) {
            if (variable.isThisExpression() || variable.isSuperExpression()) {
                throw violation(variable, "Expressions may not use '" + variable.getName()
                        + "'; refer to the names in scope directly.");
            }
        }

        private static void checkStaticReceiver(Expression receiver) {
            if (receiver instanceof ClassExpression c && !SandboxPolicy.STATIC_CLASSES.contains(c.getType().getName())) {
                throw violation(receiver, "Class " + c.getType().getName() + " is not allowed in expressions; only static members of "
                        + String.join(", ", SandboxGuard.allowedStaticClassNames()) + " are available.");
            }
        }

        private static void checkProperty(PropertyExpression property) {
            checkStaticReceiver(property.getObjectExpression());
            String name = property.getPropertyAsString();
            if (name == null) {
                throw violation(property.getProperty(), "Property names in expressions must be written out, not computed;"
                        + " use map['key'] for a computed key.");
            }
            if (SandboxGuard.deniedProperty(name)) {
                throw violation(property.getProperty(), "Reading '" + name
                        + "' is not allowed in expressions, because it reaches reflection or the script machinery.");
            }
        }

        private static void checkAssignable(Expression target) {
            if (target instanceof TupleExpression tuple) {
                for (Expression e : tuple.getExpressions()) {
                    checkAssignable(e);
                }
                return;
            }
            if (target instanceof VariableExpression v && !v.isThisExpression() && !v.isSuperExpression()) {
                Variable accessed = v.getAccessedVariable();
                if (accessed != null && !(accessed instanceof DynamicVariable)) {
                    return;
                }
            }
            throw violation(target, "Expressions may only assign to local variables declared with def,"
                    + " not to '" + target.getText() + "'.");
        }

        private static void checkType(ASTNode where, ClassNode type, String action) {
            if (type == null || ClassHelper.isDynamicTyped(type)) {
                return;
            }
            String name = type.getName();
            if (!SandboxPolicy.VALUE_TYPES.contains(name)) {
                throw violation(where, "Expressions may not " + action + " " + type.getText()
                        + "; use numbers, strings, booleans, lists and maps.");
            }
        }
    }

    /** Routes every dynamic operation of the expression through {@link SandboxGuard}. */
    private static final class GuardRewriter extends ClassCodeExpressionTransformer {

        private final SourceUnit source;

        GuardRewriter(SourceUnit source) {
            this.source = source;
        }

        @Override
        protected SourceUnit getSourceUnit() {
            return source;
        }

        @Override
        public Expression transform(Expression e) {
            if (e == null) {
                return null;
            }
            if (e instanceof ClosureExpression closure) {
                visitClosureExpression(closure);
                startWithClockCheck(closure);
                return closure;
            }
            if (e instanceof MethodCallExpression call) {
                Expression args = arguments(call.getArguments());
                if (call.isImplicitThis()) {
                    return guard(e, "call", new VariableExpression("this"),
                            new ConstantExpression(call.getMethodAsString()), args);
                }
                return guard(e, "invoke", transform(call.getObjectExpression()),
                        new ConstantExpression(call.getMethodAsString()),
                        new ConstantExpression(call.isSafe()), new ConstantExpression(call.isSpreadSafe()), args);
            }
            if (e instanceof PropertyExpression property) {
                return guard(e, "property", transform(property.getObjectExpression()),
                        new ConstantExpression(property.getPropertyAsString()),
                        new ConstantExpression(property.isSafe()), new ConstantExpression(property.isSpreadSafe()));
            }
            if (e instanceof BinaryExpression binary && !(e instanceof DeclarationExpression)
                    && binary.getOperation().getType() == Types.LEFT_SQUARE_BRACKET) {
                return guard(e, "index", transform(binary.getLeftExpression()),
                        transform(binary.getRightExpression()), new ConstantExpression(binary.isSafe()));
            }
            if (e instanceof VariableExpression variable && variable.getAccessedVariable() instanceof DynamicVariable) {
                return guard(e, "variable", new VariableExpression("this"), new ConstantExpression(variable.getName()));
            }
            return e.transformExpression(this);
        }

        /**
         * Loops are refused, so only closures called over and over can run long: each closure body
         * first checks the evaluation's time limit (like Groovy's TimedInterrupt, without its
         * start-up cost).
         */
        private static void startWithClockCheck(ClosureExpression closure) {
            Statement tick = new ExpressionStatement(new StaticMethodCallExpression(GUARD, "tick",
                    new ArgumentListExpression(new VariableExpression("this"))));
            Statement code = closure.getCode();
            if (code instanceof BlockStatement block) {
                block.getStatements().add(0, tick);
            } else {
                BlockStatement block = new BlockStatement();
                block.addStatement(tick);
                block.addStatement(code);
                block.setVariableScope(closure.getVariableScope());
                closure.setCode(block);
            }
        }

        private Expression arguments(Expression arguments) {
            List<Expression> values = new ArrayList<>();
            if (arguments instanceof TupleExpression tuple) {
                for (Expression arg : tuple.getExpressions()) {
                    if (arg instanceof NamedArgumentListExpression named) {
                        values.add(transform(new MapExpression(named.getMapEntryExpressions())));
                    } else {
                        values.add(transform(arg));
                    }
                }
            } else {
                values.add(transform(arguments));
            }
            return new ArrayExpression(ClassHelper.OBJECT_TYPE, values);
        }

        private static Expression guard(Expression original, String method, Expression... args) {
            StaticMethodCallExpression call = new StaticMethodCallExpression(GUARD, method, new ArgumentListExpression(args));
            call.setSourcePosition(original);
            return call;
        }
    }

    static ExpressionException violation(ASTNode node, String message) {
        int line = node == null ? -1 : node.getLineNumber();
        int column = node == null ? -1 : node.getColumnNumber();
        return new ExpressionException(ExpressionException.Kind.SANDBOX, message, line, column, null);
    }
}
