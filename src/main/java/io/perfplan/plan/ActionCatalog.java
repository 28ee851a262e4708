package io.perfplan.plan;

import java.util.Optional;
import java.util.Set;

/** What the validator needs to know of the registered actions: their names and inputs records. */
public interface ActionCatalog {

    Set<String> names();

    Optional<Class<?>> inputsOf(String action);
}
