package io.perfplan.script;

import groovy.lang.Closure;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Wraps Java functions as values an expression can call by name ({@code success()},
 * {@code failed('gate')}) and also pass on ({@code ids.every(passed)}), without the caller
 * touching Groovy types. Binding a plain {@link Supplier}/{@link Function}/{@link Predicate}/
 * {@link BiFunction} also works for direct calls and loads no Groovy class in the caller.
 */
public final class ExpressionFunctions {

    private ExpressionFunctions() {
    }

    /** A function of no arguments, e.g. {@code success()}. */
    public static Object of(Supplier<?> function) {
        return new NoArgument(function);
    }

    /** A function of one argument, e.g. {@code failed('gate')}. */
    public static Object of(Function<?, ?> function) {
        return new OneArgument(function);
    }

    /** A function of two arguments. */
    public static Object of(BiFunction<?, ?, ?> function) {
        return new TwoArguments(function);
    }

    /** A boolean function of one argument, e.g. {@code passed('load')}. */
    public static Object ofPredicate(Predicate<?> predicate) {
        @SuppressWarnings("unchecked")
        Predicate<Object> test = (Predicate<Object>) predicate;
        return new OneArgument(test::test);
    }

    /** Groovy finds {@code doCall} by reflection; the classes are public for that reason only. */
    public static final class NoArgument extends Closure<Object> {
        private static final long serialVersionUID = 1L;
        private final transient Supplier<?> function;

        NoArgument(Supplier<?> function) {
            super(null);
            this.function = function;
        }

        public Object doCall() {
            return function.get();
        }
    }

    /** See {@link NoArgument}. */
    public static final class OneArgument extends Closure<Object> {
        private static final long serialVersionUID = 1L;
        private final transient Function<Object, ?> function;

        @SuppressWarnings("unchecked")
        OneArgument(Function<?, ?> function) {
            super(null);
            this.function = (Function<Object, ?>) function;
        }

        public Object doCall(Object argument) {
            return function.apply(argument);
        }
    }

    /** See {@link NoArgument}. */
    public static final class TwoArguments extends Closure<Object> {
        private static final long serialVersionUID = 1L;
        private final transient BiFunction<Object, Object, ?> function;

        @SuppressWarnings("unchecked")
        TwoArguments(BiFunction<?, ?, ?> function) {
            super(null);
            this.function = (BiFunction<Object, Object, ?>) function;
        }

        public Object doCall(Object first, Object second) {
            return function.apply(first, second);
        }
    }
}
