package io.perfplan.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metrics keyed by dotted names ({@code latency.p99}) that expressions can also walk as paths:
 * {@code metrics.latency.p99} and {@code metrics['latency.p99']} give the same value, in the fast
 * path and in Groovy alike.
 */
final class DottedMap extends LinkedHashMap<String, Object> {

    DottedMap(Map<String, ?> flat) {
        super(flat);
    }

    @Override
    public Object get(Object key) {
        Object v = super.get(key);
        if (v != null || key == null || containsKey(key)) {
            return v;
        }
        String prefix = key + ".";
        Map<String, Object> sub = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                sub.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return sub.isEmpty() ? null : new DottedMap(sub);
    }
}
