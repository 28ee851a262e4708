package io.perfplan.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;

/**
 * Creates commands and option collections. Unlike picocli's default factory it never probes for
 * Groovy closures, which would load Groovy (about 100 ms) at every start of the CLI.
 */
final class CommandFactory implements CommandLine.IFactory {

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        if (cls.isInterface()) {
            Object o = SortedMap.class.isAssignableFrom(cls) ? new TreeMap<>()
                    : Map.class.isAssignableFrom(cls) ? new LinkedHashMap<>()
                    : SortedSet.class.isAssignableFrom(cls) ? new TreeSet<>()
                    : Set.class.isAssignableFrom(cls) ? new LinkedHashSet<>()
                    : List.class.isAssignableFrom(cls) || Collection.class.isAssignableFrom(cls) ? new ArrayList<>()
                    : null;
            if (o != null) {
                return cls.cast(o);
            }
        }
        var ctor = cls.getDeclaredConstructor();
        ctor.setAccessible(true);
        return ctor.newInstance();
    }
}
