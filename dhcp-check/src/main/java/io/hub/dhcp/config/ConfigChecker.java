package io.hub.dhcp.config;

import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.Finding;
import java.nio.file.Path;
import java.util.List;

/** Reads one DHCP server's configuration and judges every option an ALE phone could get from it. */
public interface ConfigChecker {

    /**
     * The findings of {@code file}, in the order of the file; empty when nothing is wrong.
     *
     * @throws ConfigException when the file cannot be read as this server's configuration
     */
    List<Finding> check(Path file, DhcpRules rules);

    /** The checker for {@code dnsmasq}, {@code isc} or {@code kea}. */
    static ConfigChecker forServer(String server) {
        return switch (server) {
            case "dnsmasq" -> new DnsmasqChecker();
            case "isc" -> new IscDhcpdChecker();
            case "kea" -> new KeaChecker();
            default -> throw new IllegalArgumentException("no checker for DHCP server '" + server + "'");
        };
    }
}
