package io.hub.dhcp;

import io.hub.dhcp.config.ConfigChecker;
import io.hub.dhcp.probe.DhcpProbe;
import io.hub.dhcp.probe.ProbeInterface;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The checker's two uses, as {@code hub dhcp} makes them: a DHCP server's configuration file read
 * and judged, or a network asked what its DHCP servers give an ALE phone. Both judge by the same
 * {@link DhcpRules}.
 */
public final class DhcpCheck {

    private DhcpCheck() {
    }

    /**
     * The findings of {@code file}, in the order of the file; empty when nothing is wrong.
     *
     * @param server {@code dnsmasq}, {@code isc} or {@code kea}
     * @throws DhcpCheckException when the file cannot be read as that server's configuration
     * @throws IllegalArgumentException for another server
     */
    public static List<Finding> configuration(String server, Path file, DhcpRules rules) {
        return ConfigChecker.forServer(server).check(file, rules);
    }

    /**
     * Asks the DHCP servers on {@code device} what they give a phone (DHCPDISCOVER, and DHCPINFORM
     * with {@code inform}), collecting their answers for {@code timeout}; never takes a lease.
     *
     * @param vendorClass the option 60 sent
     * @throws DhcpCheckException when the interface cannot be probed (no such interface, down,
     *     loopback, the process is not root, the DHCP client port is taken)
     */
    public static ProbeReport probe(String device, Duration timeout, boolean inform, String vendorClass,
            DhcpRules rules) {
        return new DhcpProbe().run(ProbeInterface.plan(device, timeout, inform, vendorClass), rules);
    }
}
