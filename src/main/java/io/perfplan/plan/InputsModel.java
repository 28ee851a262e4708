package io.perfplan.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of an action's inputs record as a plan writes them (snake_case keys), with their
 * types, whether they are required and their documentation. Validation, the JSON Schema and
 * {@code perfplan actions NAME} are all derived from it, so the record is the one source of truth.
 */
public record InputsModel(Class<?> type, List<Field> fields) {

    /**
     * One input: YAML key, Java type (generic), required flag, description, and the default used when
     * a step leaves it out, as a plan would write it (null when there is none or when a record's
     * constructor applies it).
     */
    public record Field(String key, Type javaType, boolean required, String description, Object defaultValue) {

        public Field(String key, Type javaType, boolean required, String description) {
            this(key, javaType, required, description, null);
        }

        public Class<?> rawType() {
            return raw(javaType);
        }
    }

    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

    /**
     * The inputs of an action that has no record (a Groovy script action): its step's values are
     * bound to a map with {@link InputsBinder#bindMap}, checked and documented from these fields.
     */
    public static InputsModel ofFields(List<Field> fields) {
        return new InputsModel(Map.class, List.copyOf(fields));
    }

    public static InputsModel of(Class<?> recordType) {
        if (!recordType.isRecord()) {
            throw new IllegalArgumentException(recordType.getName() + " is not a record");
        }
        List<Field> fields = new ArrayList<>();
        for (RecordComponent c : recordType.getRecordComponents()) {
            JsonProperty jp = c.getAnnotation(JsonProperty.class);
            if (jp == null && c.getAccessor() != null) {
                jp = c.getAccessor().getAnnotation(JsonProperty.class);
            }
            JsonPropertyDescription d = c.getAnnotation(JsonPropertyDescription.class);
            if (d == null) {
                d = c.getAccessor().getAnnotation(JsonPropertyDescription.class);
            }
            String key = jp != null && !jp.value().isEmpty() ? jp.value() : SNAKE.translate(c.getName());
            fields.add(new Field(key, c.getGenericType(), jp != null && jp.required(), d == null ? "" : d.value()));
        }
        return new InputsModel(recordType, List.copyOf(fields));
    }

    public List<String> keys() {
        return fields.stream().map(Field::key).toList();
    }

    public java.util.Optional<Field> field(String key) {
        return fields.stream().filter(f -> f.key().equals(key)).findFirst();
    }

    /** A JSON Schema (draft 2020-12 vocabulary) of the record, as nested maps ready for Jackson. */
    public Map<String, Object> jsonSchema() {
        return objectSchema(this, new java.util.HashSet<>());
    }

    private static Map<String, Object> objectSchema(Class<?> record, java.util.Set<Class<?>> seen) {
        return objectSchema(of(record), seen);
    }

    private static Map<String, Object> objectSchema(InputsModel m, java.util.Set<Class<?>> seen) {
        Class<?> record = m.type;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "object");
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        seen.add(record);
        for (Field f : m.fields) {
            Map<String, Object> p = typeSchema(f.javaType, seen);
            if (!f.description.isEmpty()) {
                p.put("description", f.description);
            }
            if (f.defaultValue != null) {
                p.put("default", f.defaultValue);
            }
            props.put(f.key, p);
            if (f.required) {
                required.add(f.key);
            }
        }
        seen.remove(record);
        s.put("properties", props);
        if (!required.isEmpty()) {
            s.put("required", required);
        }
        s.put("additionalProperties", false);
        return s;
    }

    static Map<String, Object> typeSchema(Type t, java.util.Set<Class<?>> seen) {
        Map<String, Object> s = new LinkedHashMap<>();
        Class<?> raw = raw(t);
        if (raw == String.class) {
            s.put("type", "string");
        } else if (raw == int.class || raw == long.class || raw == Integer.class || raw == Long.class) {
            s.put("anyOf", List.of(Map.of("type", "integer"), expressionSchema()));
        } else if (raw == double.class || raw == float.class || raw == Double.class || raw == Float.class) {
            s.put("anyOf", List.of(Map.of("type", "number"), expressionSchema()));
        } else if (raw == boolean.class || raw == Boolean.class) {
            s.put("anyOf", List.of(Map.of("type", "boolean"), expressionSchema()));
        } else if (raw == Duration.class) {
            s.put("type", "string");
            s.put("pattern", "^(\\d+(\\.\\d+)?(ns|us|ms|s|m|h|d))+$|\\$\\{");
        } else if (raw == DataSize.class) {
            s.put("type", List.of("string", "integer"));
        } else if (raw == Percent.class) {
            s.put("type", "string");
            s.put("pattern", "^-?\\d+(\\.\\d+)?\\s*%$|\\$\\{");
        } else if (raw.isEnum()) {
            List<String> values = new ArrayList<>();
            for (Object c : raw.getEnumConstants()) {
                values.add(enumName((Enum<?>) c));
            }
            s.put("enum", values);
        } else if (List.class.isAssignableFrom(raw) && t instanceof ParameterizedType pt) {
            s.put("type", "array");
            s.put("items", typeSchema(pt.getActualTypeArguments()[0], seen));
        } else if (Map.class.isAssignableFrom(raw) && t instanceof ParameterizedType pt) {
            s.put("type", "object");
            s.put("additionalProperties", typeSchema(pt.getActualTypeArguments()[1], seen));
        } else if (raw.isRecord() && !seen.contains(raw)) {
            return objectSchema(raw, seen);
        } else if (raw == java.math.BigDecimal.class) {
            s.put("anyOf", List.of(Map.of("type", "number"), expressionSchema()));
        } else if (List.class.isAssignableFrom(raw)) {
            s.put("type", "array");
        } else if (Map.class.isAssignableFrom(raw)) {
            s.put("type", "object");
        }
        return s;
    }

    private static Map<String, Object> expressionSchema() {
        return Map.of("type", "string", "pattern", "\\$\\{");
    }

    /** The name an enum constant has in YAML: its {@code @JsonProperty} value or its lower-case name. */
    public static String enumName(Enum<?> e) {
        try {
            JsonProperty jp = e.getDeclaringClass().getField(e.name()).getAnnotation(JsonProperty.class);
            if (jp != null) {
                return jp.value();
            }
        } catch (NoSuchFieldException ignored) {
            // constants are always fields
        }
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** A short human name of a type for docs: {@code duration}, {@code list of string}. */
    public static String describe(Type t) {
        Class<?> raw = raw(t);
        if (raw == Duration.class) {
            return "duration";
        }
        if (raw == DataSize.class) {
            return "size";
        }
        if (raw == Percent.class) {
            return "percent";
        }
        if (raw == String.class) {
            return "string";
        }
        if (raw == int.class || raw == long.class || raw == Integer.class || raw == Long.class) {
            return "integer";
        }
        if (raw == double.class || raw == Double.class) {
            return "number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "boolean";
        }
        if (raw.isEnum()) {
            List<String> values = new ArrayList<>();
            for (Object c : raw.getEnumConstants()) {
                values.add(enumName((Enum<?>) c));
            }
            return String.join("|", values);
        }
        if (List.class.isAssignableFrom(raw) && t instanceof ParameterizedType pt) {
            return "list of " + describe(pt.getActualTypeArguments()[0]);
        }
        if (Map.class.isAssignableFrom(raw) && t instanceof ParameterizedType pt) {
            return "map of " + describe(pt.getActualTypeArguments()[1]);
        }
        if (raw == java.math.BigDecimal.class) {
            return "number";
        }
        if (raw == Object.class) {
            return "any";
        }
        if (Map.class.isAssignableFrom(raw)) {
            return "mapping";
        }
        if (List.class.isAssignableFrom(raw)) {
            return "list";
        }
        return raw.isRecord() ? "mapping" : raw.getSimpleName();
    }

    static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType pt) {
            return (Class<?>) pt.getRawType();
        }
        return Object.class;
    }
}
