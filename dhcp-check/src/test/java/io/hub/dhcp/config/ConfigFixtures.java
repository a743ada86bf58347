package io.hub.dhcp.config;

import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.DiscoveryUrl;
import io.hub.dhcp.Finding;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The configuration files under test resources, and findings as one line each for exact assertions. */
final class ConfigFixtures {

    static final DhcpRules RULES = new DhcpRules(DiscoveryUrl.parse("https://hub.example.com:8443/rdd/v1/discovery"));

    private ConfigFixtures() {
    }

    static Path file(String name) {
        try {
            return Path.of(ConfigFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code office-dnsmasq.conf:10 66 tftp-server conflict global "global"}. */
    static List<String> lines(List<Finding> findings) {
        return findings.stream().map(f -> f.where().replaceAll(" \\(.*\\)$", "") + " " + f.option() + " "
                + f.kind().code() + " " + f.severity().name().toLowerCase(Locale.ROOT) + " " + f.scope().level().code()
                + " \"" + f.scope().name() + "\"").toList();
    }
}
