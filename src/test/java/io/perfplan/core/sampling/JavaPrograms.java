package io.perfplan.core.sampling;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines that run this project's test fixture programs in a fresh JVM. */
public final class JavaPrograms {

    private JavaPrograms() {}

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java -Xshare:auto <jvmOptions> -cp <test-classes> <mainClass> <args>}. */
    public static List<String> command(Class<?> mainClass, List<String> jvmOptions, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(java());
        argv.addAll(jvmOptions);
        argv.add("-cp");
        argv.add(classes(mainClass));
        argv.add(mainClass.getName());
        argv.addAll(List.of(args));
        return argv;
    }

    private static String classes(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
