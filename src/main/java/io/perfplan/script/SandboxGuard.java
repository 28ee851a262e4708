package io.perfplan.script;

import groovy.lang.Binding;
import groovy.lang.Closure;
import groovy.lang.Script;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.codehaus.groovy.runtime.DefaultGroovyMethods;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * The run-time half of the sandbox. {@link SandboxTransformer} rewrites every method call, property
 * read, subscript and free name of an expression into a call to one of these methods, so that
 * dynamic dispatch the compile-time check cannot see (a subscript with a computed key, a value
 * reached through a collection) is still checked: the member name against
 * {@link SandboxPolicy#DENIED_METHODS}/{@link SandboxPolicy#DENIED_PROPERTIES}, the receiver and
 * the result against {@link SandboxPolicy#deniedType}.
 *
 * <p>Public only because compiled expressions live in their own class loader; not an API.
 */
public final class SandboxGuard {

    private SandboxGuard() {
    }

    /** Called first in every closure body: stops an expression that has run past its time limit. */
    public static void tick(Object script) {
        ((ExpressionScript) script).checkClock();
    }

    /** A free name such as {@code params}: read from the bindings only, never from the script object. */
    public static Object variable(Object script, String name) {
        Map<?, ?> variables = bindings(script);
        if (!variables.containsKey(name)) {
            throw new ExpressionException(ExpressionException.Kind.RUNTIME,
                    "Unknown name '" + name + "'; names in scope are " + namesInScope(variables) + ".");
        }
        return checked(variables.get(name), name);
    }

    /** A call without receiver such as {@code failed('gate')}: only functions passed in the bindings. */
    public static Object call(Object script, String name, Object[] args) {
        Map<?, ?> variables = bindings(script);
        Object function = variables.get(name);
        if (function == null) {
            throw new ExpressionException(ExpressionException.Kind.RUNTIME,
                    "Unknown function '" + name + "'; functions in scope are " + functionsInScope(variables) + ".");
        }
        return checked(callFunction(function, name, args), name);
    }

    /** {@code receiver.name(args)}, {@code receiver?.name(args)} or {@code receiver*.name(args)}. */
    public static Object invoke(Object receiver, String name, boolean safe, boolean spread, Object[] args) {
        if (receiver == null) {
            if (safe || spread) {
                return null;
            }
            throw new ExpressionException(ExpressionException.Kind.RUNTIME,
                    "Cannot call '" + name + "' on a null value; use ?. where the value may be missing.");
        }
        if (spread) {
            List<Object> results = new ArrayList<>();
            for (Iterator<?> it = elements(receiver, name); it.hasNext(); ) {
                Object element = it.next();
                results.add(element == null ? null : invokeOne(element, name, args));
            }
            return results;
        }
        return invokeOne(receiver, name, args);
    }

    /** {@code receiver.name}, {@code receiver?.name} or {@code receiver*.name}; on a map, the value of key {@code name}. */
    public static Object property(Object receiver, String name, boolean safe, boolean spread) {
        if (receiver == null) {
            if (safe || spread) {
                return null;
            }
            throw new ExpressionException(ExpressionException.Kind.RUNTIME,
                    "Cannot read '" + name + "' of a null value; use ?. where the value may be missing.");
        }
        if (spread) {
            List<Object> results = new ArrayList<>();
            for (Iterator<?> it = elements(receiver, name); it.hasNext(); ) {
                Object element = it.next();
                results.add(element == null ? null : propertyOne(element, name));
            }
            return results;
        }
        return propertyOne(receiver, name);
    }

    /** {@code receiver[key]} or {@code receiver?[key]}. */
    public static Object index(Object receiver, Object key, boolean safe) {
        if (receiver == null) {
            if (safe) {
                return null;
            }
            throw new ExpressionException(ExpressionException.Kind.RUNTIME,
                    "Cannot index a null value with [" + key + "]; use ?[ ] where the value may be missing.");
        }
        if (receiver instanceof Map<?, ?> map) {
            // "${id}" keys find String keys, as users expect
            Object lookup = key instanceof CharSequence text && !(key instanceof String) ? text.toString() : key;
            return checked(map.get(lookup), "[" + key + "]");
        }
        if (key instanceof CharSequence text) {
            // obj['name'] is a property read in Groovy (spread over lists): apply the rules of obj.name
            if (receiver instanceof Iterable<?> || receiver.getClass().isArray()) {
                return property(receiver, text.toString(), false, true);
            }
            return propertyOne(receiver, text.toString());
        }
        checkReceiver(receiver, "[" + key + "]");
        return checked(InvokerHelper.invokeMethod(receiver, "getAt", new Object[] {key}), "[" + key + "]");
    }

    private static Object invokeOne(Object receiver, String name, Object[] args) {
        if (SandboxPolicy.DENIED_METHODS.contains(name)) {
            throw deniedMethod(name);
        }
        if (receiver instanceof Class<?> type) {
            return invokeStatic(type, name, args);
        }
        if (name.equals("getAt") && args.length == 1) {
            // x.getAt('name') is a property read like x['name']
            return index(receiver, args[0], false);
        }
        checkReceiver(receiver, name);
        if (isFunction(receiver)) {
            if (!SandboxPolicy.CLOSURE_METHODS.contains(name)) {
                throw new ExpressionException(ExpressionException.Kind.SANDBOX,
                        "Only call, curry, rcurry, ncurry and memoize may be used on a closure or function, not '"
                                + name + "'.");
            }
            if (!(receiver instanceof Closure<?>) && name.equals("call")) {
                return checked(callFunction(receiver, "call", args), name);
            }
        }
        return checked(InvokerHelper.invokeMethod(receiver, name, args), name);
    }

    private static Object invokeStatic(Class<?> type, String name, Object[] args) {
        checkStaticClass(type);
        boolean found = false;
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && Modifier.isStatic(m.getModifiers())) {
                found = true;
                break;
            }
        }
        if (!found) {
            throw new ExpressionException(ExpressionException.Kind.SANDBOX,
                    type.getSimpleName() + " has no public static method '" + name
                            + "'; expressions may only call static methods of the allowed classes.");
        }
        return checked(InvokerHelper.invokeStaticMethod(type, name, args), name);
    }

    private static Object propertyOne(Object receiver, String name) {
        if (receiver instanceof Map<?, ?> map) {
            return checked(map.get(name), name);
        }
        if (receiver instanceof Class<?> type) {
            checkStaticClass(type);
            try {
                Field field = type.getField(name);
                if (Modifier.isStatic(field.getModifiers())) {
                    return checked(field.get(null), name);
                }
            } catch (NoSuchFieldException | IllegalAccessException e) {
                // fall through to the message below
            }
            throw new ExpressionException(ExpressionException.Kind.SANDBOX,
                    type.getSimpleName() + " has no public static field '" + name
                            + "'; expressions may only read static fields of the allowed classes.");
        }
        if (deniedProperty(name)) {
            throw deniedProperty(name, receiver);
        }
        checkReceiver(receiver, name);
        if (isFunction(receiver)) {
            throw new ExpressionException(ExpressionException.Kind.SANDBOX,
                    "Expressions may not read property '" + name + "' of a closure or function.");
        }
        return checked(InvokerHelper.getProperty(receiver, name), name);
    }

    /** A property is denied by its own name or by the name of its getter ({@code runtime} → {@code getRuntime}). */
    static boolean deniedProperty(String name) {
        if (name.isEmpty()) {
            return false;
        }
        if (SandboxPolicy.DENIED_PROPERTIES.contains(name)) {
            return true;
        }
        String capitalized = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        return SandboxPolicy.DENIED_METHODS.contains("get" + capitalized)
                || SandboxPolicy.DENIED_METHODS.contains("is" + capitalized);
    }

    static ExpressionException deniedMethod(String name) {
        return new ExpressionException(ExpressionException.Kind.SANDBOX,
                "Calling '" + name + "' is not allowed in expressions, which may not run processes, do I/O,"
                        + " print, sleep, use reflection, threads or class loading.");
    }

    private static ExpressionException deniedProperty(String name, Object receiver) {
        return new ExpressionException(ExpressionException.Kind.SANDBOX,
                "Reading '" + name + "' is not allowed in expressions, because it reaches reflection or the"
                        + " script machinery" + (receiver == null ? "" : " (on a " + typeName(receiver) + ")") + ".");
    }

    private static void checkStaticClass(Class<?> type) {
        if (!SandboxPolicy.STATIC_CLASSES.contains(type.getName())) {
            throw new ExpressionException(ExpressionException.Kind.SANDBOX,
                    "Expressions may not use a Class value (" + type.getName() + "); only static members of "
                            + String.join(", ", allowedStaticClassNames()) + " are available.");
        }
    }

    static List<String> allowedStaticClassNames() {
        TreeSet<String> names = new TreeSet<>();
        for (String n : SandboxPolicy.STATIC_CLASSES) {
            names.add(n.substring(n.lastIndexOf('.') + 1));
        }
        return new ArrayList<>(names);
    }

    private static void checkReceiver(Object receiver, String member) {
        if (SandboxPolicy.deniedType(receiver.getClass())) {
            throw deniedValue(receiver.getClass(), member);
        }
    }

    /** Every value an expression obtains passes here: values of dangerous types never reach the expression. */
    static Object checked(Object value, String member) {
        if (value != null && SandboxPolicy.deniedType(value.getClass())) {
            throw deniedValue(value.getClass(), member);
        }
        return value;
    }

    private static ExpressionException deniedValue(Class<?> type, String member) {
        return new ExpressionException(ExpressionException.Kind.SANDBOX,
                "Expressions may not use a " + type.getName() + " value (reached through '" + member
                        + "'), because that type gives access to processes, I/O, reflection, threads or resources.");
    }

    static boolean isFunction(Object value) {
        return value instanceof Closure<?> || value instanceof Supplier<?> || value instanceof Function<?, ?>
                || value instanceof Predicate<?> || value instanceof BiFunction<?, ?, ?>;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object callFunction(Object function, String name, Object[] args) {
        if (function instanceof Closure<?> closure) {
            return closure.call(args);
        }
        if (function instanceof Supplier<?> supplier && args.length == 0) {
            return supplier.get();
        }
        if (function instanceof Function f && args.length == 1) {
            return f.apply(args[0]);
        }
        if (function instanceof Predicate p && args.length == 1) {
            return p.test(args[0]);
        }
        if (function instanceof BiFunction f && args.length == 2) {
            return f.apply(args[0], args[1]);
        }
        throw new ExpressionException(ExpressionException.Kind.RUNTIME,
                "'" + name + "' is not a function that takes " + args.length + " argument"
                        + (args.length == 1 ? "" : "s") + ".");
    }

    private static Iterator<?> elements(Object receiver, String member) {
        checkReceiver(receiver, member);
        if (receiver instanceof Map<?, ?> map) {
            return map.entrySet().iterator();
        }
        return DefaultGroovyMethods.iterator(receiver);
    }

    private static Map<?, ?> bindings(Object script) {
        Binding binding = ((Script) script).getBinding();
        return binding.getVariables();
    }

    private static String namesInScope(Map<?, ?> variables) {
        TreeSet<String> names = new TreeSet<>();
        for (Map.Entry<?, ?> e : variables.entrySet()) {
            if (!isFunction(e.getValue())) {
                names.add(String.valueOf(e.getKey()));
            }
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static String functionsInScope(Map<?, ?> variables) {
        TreeSet<String> names = new TreeSet<>();
        for (Map.Entry<?, ?> e : variables.entrySet()) {
            if (isFunction(e.getValue())) {
                names.add(e.getKey() + "()");
            }
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static String typeName(Object value) {
        return value.getClass().getSimpleName();
    }
}
