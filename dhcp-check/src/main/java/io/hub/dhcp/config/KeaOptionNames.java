package io.hub.dhcp.config;

import java.util.Map;

/** The DHCPv4 option names Kea knows without an {@code option-def} (Kea ARM, "DHCPv4 Option Definitions"). */
final class KeaOptionNames {

    /** With the names it shares with the other server ({@link SharedOptionNames}). */
    static final Map<String, Integer> STANDARD = SharedOptionNames.with(Map.ofEntries(
            Map.entry("name-servers", 5), Map.entry("nwip-domain-name", 62), Map.entry("nisplus-domain-name", 64),
            Map.entry("boot-file-name", 67), Map.entry("dhcp-agent-options", 82), Map.entry("authenticate", 90),
            Map.entry("client-system", 93), Map.entry("client-ndi", 94), Map.entry("uuid-guid", 97),
            Map.entry("v4-captive-portal", 114), Map.entry("classless-static-route", 121),
            Map.entry("vivco-suboptions", 124), Map.entry("vivso-suboptions", 125),
            Map.entry("v4-sztp-redirect", 143), Map.entry("v4-dnr", 162)));

    /**
     * The option spaces Kea defines besides {@code dhcp4}, with the names it knows in each: the
     * sub-options of option 43 (none until an {@code option-def} names them), of option 82 (Kea 2.4
     * and later), and of DOCSIS 3.0 in option 125 ({@code vendor-4491}).
     */
    static final Map<String, Map<String, Integer>> SPACES = Map.of(
            "vendor-encapsulated-options-space", Map.of(),
            "dhcp-agent-options-space", Map.of("circuit-id", 1, "remote-id", 2, "link-selection", 5,
                    "subscriber-id", 6, "server-id-override", 11, "relay-source-port", 19),
            "vendor-4491", Map.of("oro", 1, "tftp-servers", 2));

    private KeaOptionNames() {
    }
}
