package io.perfplan.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A size in bytes, written in plans as {@code 512MB}, {@code 1GiB} or a plain number of bytes. */
public record DataSize(long bytes) {

    @JsonCreator
    public static DataSize parse(Object value) {
        if (value instanceof Number n) {
            return new DataSize(n.longValue());
        }
        return new DataSize(Quantities.bytes(String.valueOf(value)));
    }

    @JsonValue
    @Override
    public String toString() {
        return bytes + "B";
    }
}
