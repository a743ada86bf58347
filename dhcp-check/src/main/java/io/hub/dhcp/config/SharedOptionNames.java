package io.hub.dhcp.config;

import java.util.HashMap;
import java.util.Map;

/**
 * The DHCPv4 option names ISC dhcpd and Kea both use for the same code (mostly RFC 2132's, as
 * both servers spell them); each server's table adds the names only it uses.
 */
final class SharedOptionNames {

    private static final Map<String, Integer> BOTH = Map.ofEntries(
            Map.entry("subnet-mask", 1), Map.entry("time-offset", 2), Map.entry("routers", 3),
            Map.entry("time-servers", 4), Map.entry("domain-name-servers", 6), Map.entry("log-servers", 7),
            Map.entry("cookie-servers", 8), Map.entry("lpr-servers", 9), Map.entry("impress-servers", 10),
            Map.entry("resource-location-servers", 11), Map.entry("host-name", 12), Map.entry("boot-size", 13),
            Map.entry("merit-dump", 14), Map.entry("domain-name", 15), Map.entry("swap-server", 16),
            Map.entry("root-path", 17), Map.entry("extensions-path", 18), Map.entry("ip-forwarding", 19),
            Map.entry("non-local-source-routing", 20), Map.entry("policy-filter", 21),
            Map.entry("max-dgram-reassembly", 22), Map.entry("default-ip-ttl", 23),
            Map.entry("path-mtu-aging-timeout", 24), Map.entry("path-mtu-plateau-table", 25),
            Map.entry("interface-mtu", 26), Map.entry("all-subnets-local", 27), Map.entry("broadcast-address", 28),
            Map.entry("perform-mask-discovery", 29), Map.entry("mask-supplier", 30),
            Map.entry("router-discovery", 31), Map.entry("router-solicitation-address", 32),
            Map.entry("static-routes", 33), Map.entry("trailer-encapsulation", 34),
            Map.entry("arp-cache-timeout", 35), Map.entry("ieee802-3-encapsulation", 36),
            Map.entry("default-tcp-ttl", 37), Map.entry("tcp-keepalive-interval", 38),
            Map.entry("tcp-keepalive-garbage", 39), Map.entry("nis-domain", 40), Map.entry("nis-servers", 41),
            Map.entry("ntp-servers", 42), Map.entry("vendor-encapsulated-options", 43),
            Map.entry("netbios-name-servers", 44), Map.entry("netbios-dd-server", 45),
            Map.entry("netbios-node-type", 46), Map.entry("netbios-scope", 47), Map.entry("font-servers", 48),
            Map.entry("x-display-manager", 49), Map.entry("dhcp-requested-address", 50),
            Map.entry("dhcp-lease-time", 51), Map.entry("dhcp-option-overload", 52),
            Map.entry("dhcp-message-type", 53), Map.entry("dhcp-server-identifier", 54),
            Map.entry("dhcp-parameter-request-list", 55), Map.entry("dhcp-message", 56),
            Map.entry("dhcp-max-message-size", 57), Map.entry("dhcp-renewal-time", 58),
            Map.entry("dhcp-rebinding-time", 59), Map.entry("vendor-class-identifier", 60),
            Map.entry("dhcp-client-identifier", 61), Map.entry("nwip-suboptions", 63),
            Map.entry("nisplus-servers", 65), Map.entry("tftp-server-name", 66),
            Map.entry("mobile-ip-home-agent", 68), Map.entry("smtp-server", 69), Map.entry("pop-server", 70),
            Map.entry("nntp-server", 71), Map.entry("www-server", 72), Map.entry("finger-server", 73),
            Map.entry("irc-server", 74), Map.entry("streettalk-server", 75),
            Map.entry("streettalk-directory-assistance-server", 76), Map.entry("user-class", 77),
            Map.entry("slp-directory-agent", 78), Map.entry("slp-service-scope", 79), Map.entry("fqdn", 81),
            Map.entry("nds-servers", 85), Map.entry("nds-tree-name", 86), Map.entry("nds-context", 87),
            Map.entry("bcms-controller-names", 88), Map.entry("bcms-controller-address", 89),
            Map.entry("client-last-transaction-time", 91), Map.entry("associated-ip", 92),
            Map.entry("uap-servers", 98), Map.entry("geoconf-civic", 99), Map.entry("pcode", 100),
            Map.entry("tcode", 101), Map.entry("v6-only-preferred", 108), Map.entry("netinfo-server-address", 112),
            Map.entry("netinfo-server-tag", 113), Map.entry("default-url", 114), Map.entry("auto-config", 116),
            Map.entry("name-service-search", 117), Map.entry("subnet-selection", 118),
            Map.entry("domain-search", 119), Map.entry("pana-agent", 136), Map.entry("v4-lost", 137),
            Map.entry("capwap-ac-v4", 138), Map.entry("sip-ua-cs-domains", 141), Map.entry("rdnss-selection", 146),
            Map.entry("v4-portparams", 159), Map.entry("option-6rd", 212), Map.entry("v4-access-domain", 213));

    private SharedOptionNames() {
    }

    /** The names both servers share, with {@code own} (a server's other names) added. */
    static Map<String, Integer> with(Map<String, Integer> own) {
        Map<String, Integer> all = new HashMap<>(BOTH);
        own.forEach((name, code) -> {
            if (all.putIfAbsent(name, code) != null) {
                throw new IllegalStateException("option name " + name + " is already shared");
            }
        });
        return Map.copyOf(all);
    }
}
