package io.perfplan.cli;

import picocli.CommandLine;

/** The version from the jar's manifest. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"perfplan " + (v == null ? "dev" : v)};
    }
}
