package io.hub.dhcp.config;

import java.util.Map;
import java.util.Set;

/** The option names ISC dhcpd knows without a definition (dhcp-options(5)) and its built-in spaces. */
final class IscOptionNames {

    /** With the names it shares with the other server ({@link SharedOptionNames}). */
    static final Map<String, Integer> STANDARD = SharedOptionNames.with(Map.ofEntries(
            Map.entry("ien116-name-servers", 5), Map.entry("nwip-domain", 62), Map.entry("nisplus-domain", 64),
            Map.entry("bootfile-name", 67), Map.entry("relay-agent-information", 82),
            Map.entry("pxe-system-type", 93), Map.entry("pxe-interface-id", 94), Map.entry("pxe-client-id", 97),
            Map.entry("vivco", 124), Map.entry("vivso", 125), Map.entry("ipv4-address-andsf", 142),
            Map.entry("tftp-server-address", 150), Map.entry("v4-captive-portal", 160),
            Map.entry("loader-configfile", 209), Map.entry("loader-pathprefix", 210),
            Map.entry("loader-reboottime", 211), Map.entry("web-proxy-server", 252)));

    /** Spaces dhcpd defines itself (relay agent, FQDN, NetWare, server, DHCPv6, vendor). */
    static final Set<String> BUILT_IN_SPACES = Set.of("agent", "fqdn", "nwip", "server", "dhcp6", "vsio", "isc",
            "dhcp");

    private IscOptionNames() {
    }
}
