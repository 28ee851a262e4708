package io.perfplan.plan;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Binds a step's {@code with:} values to an action's inputs record, and checks them before the
 * run: unknown keys (with suggestions), missing required keys and wrong types, each reported at
 * the line and column of the offending value. Values that hold an expression are checked at run
 * time, after rendering.
 */
public final class InputsBinder {

    private static final ObjectMapper MAPPER = mapper();

    private InputsBinder() {}

    private static ObjectMapper mapper() {
        SimpleModule units = new SimpleModule("perfplan-units");
        units.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken().isNumeric()) {
                    return Duration.ofMillis(Math.round(p.getDoubleValue() * 1000));
                }
                try {
                    return Quantities.duration(p.getValueAsString());
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, e.getMessage(), p.getValueAsString(), Duration.class);
                }
            }
        });
        JsonMapper m = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .addModule(units)
                .build();
        // "10" for a number is fine (parameters arrive as text), but a number is not text and a list is not a value
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        return m;
    }

    /** Binds rendered values; throws {@link IllegalArgumentException} with one sentence naming the key. */
    public static <I> I bind(Map<String, Object> values, Class<I> type) {
        try {
            return MAPPER.convertValue(values, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(explain(e, InputsModel.of(type)), e);
        }
    }

    /**
     * Checks values as written in the plan. {@code path} is the plan path of the {@code with}
     * mapping; problems are reported at the positions recorded for the plan.
     */
    public static List<Problem> check(Map<String, Object> values, Class<?> type, String path, Plan plan) {
        return check(values, InputsModel.of(type), path, plan);
    }

    /** As {@link #check(Map, Class, String, Plan)}, for any inputs model (a record's, or a script action's fields). */
    public static List<Problem> check(Map<String, Object> values, InputsModel model, String path, Plan plan) {
        List<Problem> problems = new ArrayList<>();
        checkRecord(values, model, path, plan, problems);
        if (problems.isEmpty() && !containsExpression(values)) {
            try {
                if (model.type().isRecord()) {
                    bind(values, model.type());
                } else {
                    bindMap(values, model);
                }
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(plan.file(), plan.positions().of(path), e.getMessage()));
            }
        }
        return problems;
    }

    /**
     * Binds rendered values to the typed map a script action receives: each value converted to its
     * field's type (durations from "5s", numbers from text), defaults applied, unknown and missing
     * required keys refused; throws {@link IllegalArgumentException} with one sentence naming the key.
     */
    public static Map<String, Object> bindMap(Map<String, Object> values, InputsModel model) {
        for (String key : values.keySet()) {
            if (model.field(key).isEmpty()) {
                throw new IllegalArgumentException("unknown input '" + key + "'" + Suggestions.didYouMean(key, model.keys())
                        + (model.keys().isEmpty() ? "; the action takes none" : "; inputs: " + String.join(", ", model.keys())));
            }
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (InputsModel.Field f : model.fields()) {
            Object raw = values.get(f.key());
            if (raw == null) {
                raw = f.defaultValue();
            }
            if (raw == null) {
                if (f.required()) {
                    throw new IllegalArgumentException("missing required input '" + f.key() + "' (" + InputsModel.describe(f.javaType())
                            + (f.description().isEmpty() ? "" : ": " + f.description()) + ")");
                }
                out.put(f.key(), null);
                continue;
            }
            try {
                out.put(f.key(), MAPPER.convertValue(raw, MAPPER.getTypeFactory().constructType(f.javaType())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + f.key() + "': " + reason(e, f.javaType(), raw), e);
            }
        }
        return out;
    }

    private static void checkRecord(Map<String, Object> values, Class<?> type, String path, Plan plan, List<Problem> out) {
        checkRecord(values, InputsModel.of(type), path, plan, out);
    }

    private static void checkRecord(Map<String, Object> values, InputsModel model, String path, Plan plan, List<Problem> out) {
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String keyPath = path + "." + e.getKey();
            var field = model.field(e.getKey());
            if (field.isEmpty()) {
                out.add(new Problem(plan.file(), plan.positions().ofKey(keyPath), "unknown input '" + e.getKey() + "'"
                        + Suggestions.didYouMean(e.getKey(), model.keys()) + "; inputs: " + String.join(", ", model.keys())));
                continue;
            }
            checkValue(e.getValue(), field.get().javaType(), keyPath, plan, out);
        }
        for (InputsModel.Field f : model.fields()) {
            if (f.required() && !values.containsKey(f.key())) {
                out.add(new Problem(plan.file(), plan.positions().of(path), "missing required input '" + f.key() + "' ("
                        + InputsModel.describe(f.javaType()) + (f.description().isEmpty() ? "" : ": " + f.description()) + ")"));
            }
        }
    }

    private static void checkValue(Object value, Type type, String path, Plan plan, List<Problem> out) {
        if (value == null || Template.hasExpression(value)) {
            return;
        }
        Class<?> raw = InputsModel.raw(type);
        if (raw.isRecord() && value instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> sm = (Map<String, Object>) m;
            checkRecord(sm, raw, path, plan, out);
            return;
        }
        if (List.class.isAssignableFrom(raw) && value instanceof List<?> list
                && type instanceof java.lang.reflect.ParameterizedType pt) {
            for (int i = 0; i < list.size(); i++) {
                checkValue(list.get(i), pt.getActualTypeArguments()[0], path + "[" + i + "]", plan, out);
            }
            return;
        }
        if (Map.class.isAssignableFrom(raw) && value instanceof Map<?, ?> map
                && type instanceof java.lang.reflect.ParameterizedType pt) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                checkValue(e.getValue(), pt.getActualTypeArguments()[1], path + "." + e.getKey(), plan, out);
            }
            return;
        }
        if (value.getClass() == raw && (value instanceof String || value instanceof Boolean || value instanceof Integer)) {
            return; // already of its type: nothing Jackson could refuse
        }
        try {
            JavaType jt = MAPPER.getTypeFactory().constructType(type);
            MAPPER.convertValue(value, jt);
        } catch (IllegalArgumentException e) {
            out.add(new Problem(plan.file(), plan.positions().of(path), "'" + lastKey(path) + "': " + reason(e, type, value)));
        }
    }

    private static boolean containsExpression(Object v) {
        if (Template.hasExpression(v)) {
            return true;
        }
        if (v instanceof Map<?, ?> m) {
            return m.values().stream().anyMatch(InputsBinder::containsExpression);
        }
        if (v instanceof List<?> l) {
            return l.stream().anyMatch(InputsBinder::containsExpression);
        }
        return false;
    }

    private static String explain(IllegalArgumentException e, InputsModel model) {
        Throwable c = e.getCause();
        if (c instanceof UnrecognizedPropertyException u) {
            return "unknown input '" + u.getPropertyName() + "'" + Suggestions.didYouMean(u.getPropertyName(), model.keys());
        }
        if (c instanceof ValueInstantiationException v) {
            Throwable root = v.getCause() != null ? v.getCause() : v;
            return root.getMessage();
        }
        if (c instanceof JsonMappingException j) {
            String where = j.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("with");
            String msg = j.getOriginalMessage();
            if (c instanceof MismatchedInputException mi && mi.getTargetType() != null) {
                if (msg.contains("Missing required creator property")) {
                    return "missing required input '" + where + "'";
                }
                return "'" + where + "' must be " + article(InputsModel.describe(mi.getTargetType()));
            }
            return "'" + where + "': " + firstLine(msg);
        }
        return firstLine(String.valueOf(e.getMessage()));
    }

    private static String reason(IllegalArgumentException e, Type type, Object value) {
        Throwable c = e.getCause();
        if (c instanceof InvalidFormatException f && f.getTargetType() == Duration.class) {
            return firstLine(f.getOriginalMessage());
        }
        if (c instanceof ValueInstantiationException v && v.getCause() != null) {
            return v.getCause().getMessage();
        }
        String shown = value instanceof Map<?, ?> ? "a mapping" : value instanceof List<?> ? "a list" : "'" + value + "'";
        return "expected " + article(InputsModel.describe(type)) + ", got " + shown;
    }

    private static String article(String typeName) {
        if (typeName.contains("|")) {
            return "one of " + typeName.replace("|", ", ");
        }
        return (typeName.matches("^[aeiou].*") ? "an " : "a ") + typeName;
    }

    private static String lastKey(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        int at = line.indexOf(" at [Source");
        return at < 0 ? line : line.substring(0, at);
    }

    /** The shared mapper (snake_case, units), for JSON output of inputs and results. */
    public static ObjectMapper mapperForJson() {
        return MAPPER;
    }
}
