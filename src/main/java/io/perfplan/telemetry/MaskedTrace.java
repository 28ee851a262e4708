package io.perfplan.telemetry;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A run's trace whose every text — span names, attribute values, error messages — passes through a
 * mask first (the run's secrets become {@code ***}), so no span carries a secret whatever an action
 * puts in it. Child spans and nested steps are masked the same way, however deep.
 */
public final class MaskedTrace {

    private MaskedTrace() {}

    /** {@code trace} with {@code mask} applied to all text; {@link RunTelemetry.RunTrace#NONE} stays as it is. */
    public static RunTelemetry.RunTrace of(RunTelemetry.RunTrace trace, UnaryOperator<String> mask) {
        if (trace == RunTelemetry.RunTrace.NONE) {
            return trace;
        }
        return new RunTelemetry.RunTrace() {
            @Override
            public String traceId() {
                return trace.traceId();
            }

            @Override
            public RunTelemetry.StepTrace startStep(String stepId, String action, int attempt) {
                return new Step(trace.startStep(mask.apply(stepId), action, attempt), mask);
            }

            @Override
            public void end(String status, String error, Duration took) {
                trace.end(status, mask.apply(error), took);
            }
        };
    }

    private record Step(RunTelemetry.StepTrace step, UnaryOperator<String> mask) implements RunTelemetry.StepTrace {
        @Override
        public SpanScope child(String name) {
            return new Span(step.child(mask.apply(name)), mask);
        }

        @Override
        public RunTelemetry.StepTrace startStep(String stepId, String action, int attempt) {
            return new Step(step.startStep(mask.apply(stepId), action, attempt), mask);
        }

        @Override
        public void histogram(String name, byte[] encoded) {
            step.histogram(name, encoded);
        }

        @Override
        public void end(String status, String error, Duration took) {
            step.end(status, mask.apply(error), took);
        }
    }

    private record Span(SpanScope span, UnaryOperator<String> mask) implements SpanScope {
        @Override
        public void attribute(String key, String value) {
            span.attribute(key, mask.apply(value));
        }

        @Override
        public void attribute(String key, long value) {
            span.attribute(key, value);
        }

        @Override
        public void attribute(String key, double value) {
            span.attribute(key, value);
        }

        @Override
        public void attribute(String key, boolean value) {
            span.attribute(key, value);
        }

        @Override
        public void failed(String reason) {
            span.failed(mask.apply(reason));
        }

        @Override
        public SpanScope child(String name) {
            return new Span(span.child(mask.apply(name)), mask);
        }

        @Override
        public RunTelemetry.StepTrace startStep(String stepId, String action, int attempt) {
            return new Step(span.startStep(mask.apply(stepId), action, attempt), mask);
        }

        @Override
        public void close() {
            span.close();
        }
    }
}
