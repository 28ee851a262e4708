package io.perfplan.actions.deploy;

/** Checks of service and environment names, which also name log files. */
final class Names {

    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]*";

    private Names() {}

    static void requireService(String service) {
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("`service` is missing; name the service, e.g. service: checkout");
        }
        if (!service.matches(NAME) || service.length() > 200) {
            throw new IllegalArgumentException("service \"" + service + "\" may hold only letters, digits, '.', '_' and '-', e.g. checkout");
        }
    }

    static String environment(String environment) {
        if (environment == null) {
            return "default";
        }
        if (!environment.matches(NAME) || environment.length() > 200) {
            throw new IllegalArgumentException("environment \"" + environment + "\" may hold only letters, digits, '.', '_' and '-', e.g. staging");
        }
        return environment;
    }

    /** A version as part of a file name. */
    static String fileSafe(String version) {
        return version.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
