package io.hub.app;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or {@code development} when run from classes. */
public final class HubVersion implements IVersionProvider {

    public static String version() {
        String version = HubVersion.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"hub " + version()};
    }
}
