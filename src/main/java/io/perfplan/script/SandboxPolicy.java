package io.perfplan.script;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one list of what expressions may touch, shared by the compile-time check
 * ({@link SandboxTransformer}) and the run-time guard ({@link SandboxGuard}) so both enforce the
 * same rules. Allow-lists for classes, deny-lists for member names and for the types of values an
 * expression may hold.
 */
final class SandboxPolicy {

    private SandboxPolicy() {
    }

    /** Classes whose public static methods and fields expressions may use, e.g. {@code Math.max(a, b)}. */
    static final Set<String> STATIC_CLASSES = names(
            Math.class, String.class, Integer.class, Long.class, Double.class, Float.class, Short.class,
            Byte.class, Boolean.class, Character.class, BigDecimal.class, BigInteger.class,
            Collections.class, Arrays.class, Objects.class, List.class, Map.class, Set.class);

    /** Types allowed in casts ({@code as}), typed declarations, closure parameters and {@code instanceof}. */
    static final Set<String> VALUE_TYPES = union(STATIC_CLASSES, names(
            Object.class, Number.class, CharSequence.class, Collection.class, Iterable.class,
            ArrayList.class, LinkedList.class, HashMap.class, LinkedHashMap.class, TreeMap.class,
            HashSet.class, LinkedHashSet.class, TreeSet.class,
            int.class, long.class, double.class, float.class, short.class, byte.class, boolean.class,
            char.class),
            Set.of("groovy.lang.GString", "groovy.lang.Closure", "groovy.lang.Range", "groovy.lang.IntRange"));

    /** Classes expressions may construct with {@code new}. */
    static final Set<String> CONSTRUCTIBLE = names(
            ArrayList.class, LinkedList.class, HashMap.class, LinkedHashMap.class, TreeMap.class,
            HashSet.class, LinkedHashSet.class, TreeSet.class, String.class, BigDecimal.class, BigInteger.class);

    /**
     * Method names refused on any receiver: reflection and the meta-object protocol, processes, exit,
     * environment and system properties, I/O, class loading, nested evaluation, threads, sleeping
     * and blocking, printing, categories and mixins.
     */
    static final Set<String> DENIED_METHODS = Set.of(
            // reflection and the meta-object protocol
            "getClass", "forName", "getMetaClass", "setMetaClass", "metaClass", "invokeMethod",
            "getProperty", "setProperty", "getProperties", "getMetaPropertyValues", "respondsTo",
            "hasProperty", "getClassLoader", "newInstance", "getDeclaredMethods", "getDeclaredMethod",
            "getDeclaredFields", "getDeclaredField", "getDeclaredConstructors", "getMethods", "getMethod",
            "getFields", "getField", "getConstructors", "getConstructor", "asType", "use", "mixin",
            "withTraits", "dump", "setAccessible", "invoke", "getOwner", "getDelegate", "getThisObject",
            "setDelegate", "setResolveStrategy", "rehydrate", "dehydrate", "getBinding", "setBinding",
            "putAt", "getBoolean", "getInteger", "getLong",
            // processes, exit, environment
            "execute", "getRuntime", "exit", "halt", "getenv", "addShutdownHook",
            "consumeProcessOutput", "waitFor", "waitForOrKill", "pipeTo",
            // class loading and nested evaluation
            "load", "loadLibrary", "loadClass", "defineClass", "evaluate", "parse", "parseClass", "run", "me",
            // I/O
            "toURL", "toURI", "toPath", "toFile", "newReader", "newWriter", "newInputStream",
            "newOutputStream", "newObjectInputStream", "newObjectOutputStream", "withReader", "withWriter",
            "withInputStream", "withOutputStream", "withObjectInputStream", "withObjectOutputStream",
            "withPrintWriter", "withStream", "eachFile", "eachFileRecurse", "readBytes",
            "openConnection", "openStream", "println", "print", "printf",
            // threads and blocking
            "start", "startDaemon", "sleep", "wait", "notify", "notifyAll", "parallelStream",
            "parallel", "interrupt", "async", "callAsync");

    /**
     * Property names refused on receivers that are not maps (on a map a property is just a key).
     * Reading {@code x.class}, {@code x.metaClass} or {@code x.classLoader} is reflection.
     */
    static final Set<String> DENIED_PROPERTIES = Set.of(
            "class", "metaClass", "classLoader", "properties", "metaPropertyValues", "binding",
            "owner", "delegate", "thisObject", "runtime", "declaredMethods", "declaredFields",
            "declaredConstructors", "methods", "fields", "constructors");

    /** The only methods an expression may call on a closure or function value. */
    static final Set<String> CLOSURE_METHODS = Set.of("call", "curry", "rcurry", "ncurry", "memoize");

    /**
     * Values an expression may never hold, by type: reflection, class loading, the meta-object
     * protocol, threads and executors, processes, files, streams and anything closeable, network,
     * the script machinery itself.
     */
    private static final List<String> DENIED_TYPES = List.of(
            "java.lang.Class", "java.lang.ClassLoader", "java.lang.Module", "java.lang.ModuleLayer",
            "java.lang.Runtime", "java.lang.Process", "java.lang.ProcessBuilder", "java.lang.ProcessHandle",
            "java.lang.Thread", "java.lang.ThreadGroup", "java.lang.StackWalker", "java.lang.SecurityManager",
            "java.lang.reflect.AccessibleObject", "java.lang.reflect.Member", "java.lang.reflect.RecordComponent",
            "java.lang.invoke.MethodHandle", "java.lang.invoke.MethodHandles$Lookup", "java.lang.invoke.VarHandle",
            "java.lang.AutoCloseable", "java.io.File", "java.nio.file.Path", "java.nio.file.FileSystem",
            "java.net.URL", "java.net.URLConnection", "java.net.InetAddress", "java.net.SocketAddress",
            "java.util.concurrent.Executor", "java.util.concurrent.Future", "java.util.concurrent.ThreadFactory",
            "java.util.concurrent.CompletionStage", "java.util.Timer", "java.util.ServiceLoader",
            "groovy.lang.MetaClass", "groovy.lang.MetaMethod", "groovy.lang.MetaProperty", "groovy.lang.Binding",
            "groovy.lang.Script", "groovy.lang.GroovyShell", "groovy.lang.GroovyClassLoader",
            "groovy.lang.GroovyCodeSource", "groovy.util.Eval", "groovy.lang.MetaClassRegistry");

    private static final String[] DENIED_PACKAGES = {
        "java.lang.reflect.", "java.lang.invoke.", "java.lang.management.", "java.io.", "java.nio.",
        "java.net.", "java.sql.", "java.rmi.", "java.beans.", "javax.", "sun.", "jdk.", "com.sun.",
        "org.codehaus.groovy.reflection.", "org.codehaus.groovy.control.", "org.codehaus.groovy.ast.",
        "org.codehaus.groovy.tools.", "groovy.grape.", "groovy.io.", "groovy.sql."};

    private static final ClassValue<Boolean> DENIED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            String name = type.getName();
            for (String prefix : DENIED_PACKAGES) {
                if (name.startsWith(prefix)) {
                    return true;
                }
            }
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                if (DENIED_TYPES.contains(c.getName()) || anyInterfaceDenied(c)) {
                    return true;
                }
            }
            return false;
        }
    };

    private static boolean anyInterfaceDenied(Class<?> type) {
        for (Class<?> i : type.getInterfaces()) {
            if (DENIED_TYPES.contains(i.getName()) || anyInterfaceDenied(i)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a value of this runtime type must never be held by an expression. */
    static boolean deniedType(Class<?> type) {
        return DENIED.get(type);
    }

    private static Set<String> names(Class<?>... classes) {
        Set<String> names = new HashSet<>();
        for (Class<?> c : classes) {
            names.add(c.getName());
        }
        return Set.copyOf(names);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return Set.copyOf(all);
    }
}
