package io.hub.dhcp.config;

import java.util.Set;

/**
 * The directives dnsmasq 2.90 reads in its configuration file (the long options of
 * {@code dnsmasq --help}). dnsmasq stops at any other one ("bad option at line N of FILE"); a
 * newer dnsmasq may know more, so the checker warns about a name missing here instead of
 * refusing the file.
 */
final class DnsmasqDirectives {

    static final String VERSION = "2.90";

    static final Set<String> KNOWN = Set.of(
            "add-cpe-id", "add-mac", "add-subnet", "addn-hosts", "address", "alias", "all-servers", "auth-peer",
            "auth-sec-servers", "auth-server", "auth-soa", "auth-ttl", "auth-zone", "bind-dynamic", "bind-interfaces",
            "bogus-nxdomain", "bogus-priv", "bootp-dynamic", "bridge-interface", "caa-record", "cache-rr", "cache-size",
            "clear-on-reload", "cname", "conf-dir", "conf-file", "conf-script", "connmark-allowlist",
            "connmark-allowlist-enable", "conntrack", "dhcp-alternate-port", "dhcp-authoritative", "dhcp-boot",
            "dhcp-broadcast", "dhcp-circuitid", "dhcp-client-update", "dhcp-duid", "dhcp-fqdn", "dhcp-generate-names",
            "dhcp-host", "dhcp-hostsdir", "dhcp-hostsfile", "dhcp-ignore", "dhcp-ignore-clid", "dhcp-ignore-names",
            "dhcp-lease-max", "dhcp-leasefile", "dhcp-luascript", "dhcp-mac", "dhcp-match", "dhcp-name-match",
            "dhcp-no-override", "dhcp-option", "dhcp-option-force", "dhcp-optsdir", "dhcp-optsfile", "dhcp-proxy",
            "dhcp-pxe-vendor", "dhcp-range", "dhcp-rapid-commit", "dhcp-relay", "dhcp-remoteid", "dhcp-reply-delay",
            "dhcp-script", "dhcp-scriptuser", "dhcp-sequential-ip", "dhcp-subscrid", "dhcp-ttl", "dhcp-userclass",
            "dhcp-vendorclass", "dns-forward-max", "dns-loop-detect", "dns-rr", "dnssec", "dnssec-check-unsigned",
            "dnssec-debug", "dnssec-limits", "dnssec-no-timecheck", "dnssec-timestamp", "domain", "domain-needed",
            "dumpfile", "dumpmask", "dynamic-host", "edns-packet-max", "enable-dbus", "enable-ra", "enable-tftp",
            "enable-ubus", "except-interface", "expand-hosts", "fast-dns-retry", "filter-", "filter-rr", "filterwin2k",
            "group", "help", "host-record", "hostsdir", "ignore-address", "interface", "interface-name", "ipset",
            "keep-in-foreground", "leasefile-ro", "listen-address", "local", "local-service", "local-ttl",
            "localise-queries", "localmx", "log-async", "log-debug", "log-dhcp", "log-facility", "log-queries",
            "max-cache-ttl", "max-port", "max-tcp-connections", "max-ttl", "min-cache-ttl", "min-port", "mx-host",
            "mx-target", "naptr-record", "neg-ttl", "nftset", "no-daemon", "no-dhcp-interface", "no-dhcpv4-interface",
            "no-dhcpv6-interface", "no-hosts", "no-ident", "no-negcache", "no-ping", "no-poll", "no-resolv",
            "no-round-robin", "pid-file", "port", "port-limit", "proxy-dnssec", "ptr-record", "pxe-prompt",
            "pxe-service", "query-port", "quiet-dhcp", "quiet-dhcp6", "quiet-ra", "quiet-tftp", "ra-param",
            "read-ethers", "rebind-domain-ok", "rebind-localhost-ok", "resolv-file", "rev-server", "script-arp",
            "script-on-renewal", "selfmx", "server", "servers-file", "shared-network", "srv-host", "stop-dns-rebind",
            "strict-order", "strip-mac", "strip-subnet", "synth-domain", "tag-if", "test", "tftp-lowercase", "tftp-max",
            "tftp-mtu", "tftp-no-blocksize", "tftp-no-fail", "tftp-port-range", "tftp-root", "tftp-secure",
            "tftp-single-port", "tftp-unique-root", "trust-anchor", "txt-record", "umbrella", "use-stale-cache", "user",
            "version");

    private DnsmasqDirectives() {
    }
}
