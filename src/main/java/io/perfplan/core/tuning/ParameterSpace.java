package io.perfplan.core.tuning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** The parameters a search explores, in declaration order; names are unique. */
public record ParameterSpace(List<Parameter> parameters) {

    public ParameterSpace {
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException("There are no parameters to tune; declare at least one under parameters.");
        }
        parameters = List.copyOf(parameters);
        Set<String> seen = new LinkedHashSet<>();
        for (Parameter p : parameters) {
            if (!seen.add(p.name())) {
                throw new IllegalArgumentException("Parameter '" + p.name() + "' is declared twice; give each parameter one entry.");
            }
        }
    }

    public List<String> names() {
        return parameters.stream().map(Parameter::name).toList();
    }

    /** How many configurations the grid has (saturating at {@link Long#MAX_VALUE}). */
    public long gridSize() {
        long size = 1;
        for (Parameter p : parameters) {
            int n = p.gridValues().size();
            size = size > Long.MAX_VALUE / n ? Long.MAX_VALUE : size * n;
        }
        return size;
    }

    /** The first {@code limit} configurations of the grid, first parameter varying slowest. */
    public List<Configuration> grid(int limit) {
        List<List<String>> axes = parameters.stream().map(Parameter::gridValues).toList();
        List<Configuration> out = new ArrayList<>();
        for (List<String> combo : Parameter.product(axes)) {
            if (out.size() >= limit) {
                break;
            }
            out.add(of(combo));
        }
        return out;
    }

    /**
     * Up to {@code count} distinct configurations drawn at random; fewer when the space runs out of
     * new ones (a small discrete space).
     */
    public List<Configuration> sample(int count, SplittableRandom random) {
        Set<Configuration> out = new LinkedHashSet<>();
        int misses = 0;
        while (out.size() < count && misses < 50 * Math.max(count, 1)) {
            List<String> values = new ArrayList<>();
            for (Parameter p : parameters) {
                values.add(p.sample(random));
            }
            if (!out.add(of(values))) {
                misses++;
            }
        }
        return List.copyOf(out);
    }

    /**
     * Checks a configuration given by a person (e.g. today's settings): it must give a value to every
     * parameter and to nothing else. Values need not lie in the space.
     */
    public Configuration configuration(Map<String, String> given) {
        Set<String> missing = new LinkedHashSet<>(names());
        missing.removeAll(given.keySet());
        Set<String> extra = new LinkedHashSet<>(given.keySet());
        extra.removeAll(names());
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new IllegalArgumentException("The current configuration must give a value to every parameter ("
                    + String.join(", ", names()) + ")"
                    + (missing.isEmpty() ? "" : "; missing: " + String.join(", ", missing))
                    + (extra.isEmpty() ? "" : "; not parameters: " + String.join(", ", extra)) + ".");
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String n : names()) {
            ordered.put(n, given.get(n));
        }
        return new Configuration(ordered);
    }

    private Configuration of(List<String> values) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            m.put(parameters.get(i).name(), values.get(i));
        }
        return new Configuration(m);
    }
}
