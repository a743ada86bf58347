package io.hub.dhcp;

/**
 * Every kind of DHCP finding, once: how bad it is when it reaches an ALE phone, why, and the fix.
 * The texts are shown to the admin as they are, so each one states a fact about the phone, not a
 * guess about the network.
 */
public enum FindingKind {

    MANAGEMENT_URL(Severity.CONFLICT,
            "names a device-management server other than the hub; the phone takes it over zero-touch and never "
                    + "asks the hub",
            "remove the option, or set it to the hub's discovery URL"),
    TFTP_SERVER(Severity.CONFLICT,
            "points the phone at a TFTP server on the LAN (a PBX or boot server); the phone fetches its "
                    + "configuration there instead of from the hub",
            "remove the option for ALE phones (scope it to the vendor class of the devices that need it), or set "
                    + "it to the hub's discovery URL"),
    BOOT_FILE(Severity.CONFLICT,
            "gives the phone a file to fetch by TFTP; the phone takes it as its configuration and never asks the hub",
            "remove the boot file for ALE phones (scope it to the vendor class of the devices that boot from it)"),
    MATCHES_HUB(Severity.ACCEPTABLE,
            "equals the hub's discovery URL; phones reach the hub, but the option still overrides zero-touch and "
                    + "breaks it when the hub moves",
            "remove it when you can; zero-touch finds the hub without it"),
    SIP_SERVER(Severity.WARNING,
            "offers SIP servers (RFC 3361); a phone that honours it registers there instead of at the SIP entry "
                    + "point its hub configuration names",
            "remove option 120 for ALE phones"),
    VENDOR_DATA(Severity.INFO,
            "carries vendor-specific data that names no server; it does not redirect the phone",
            "nothing to do if it is meant for another vendor; scope it to that vendor's class"),
    MALFORMED_OPTION(Severity.WARNING,
            "is malformed; a phone may reject the whole reply or read a wrong value",
            "correct the option's value on the DHCP server"),
    MALFORMED_REPLY(Severity.WARNING,
            "the reply is malformed; a phone drops it or reads only part of it",
            "check the DHCP server or relay that sent it"),
    NO_ROUTER(Severity.WARNING,
            "gives no router (option 3); the phone cannot leave its subnet to reach the hub",
            "set option 3 (routers) for this scope"),
    NO_DNS(Severity.WARNING,
            "gives no DNS servers (option 6); the phone cannot resolve the hub's name or pool.ntp.org",
            "set option 6 (domain-name-servers) for this scope"),
    UNKNOWN_OPTION(Severity.WARNING,
            "is not known to this checker; it cannot tell whether the option sends the phone elsewhere",
            "check the option by hand, or declare it (Kea option-def, dhcpd option ... code ...) so its value is "
                    + "read"),
    UNKNOWN_DIRECTIVE(Severity.WARNING,
            "is not a directive this checker knows; the server version it was written for stops there, a newer one "
                    + "may read it, and the check went on without it",
            "check its spelling against the server's manual: a server that does not know it does not start"),
    INCLUDE_OUTSIDE(Severity.WARNING,
            "includes a file from outside the configuration's directory; it was read as the server reads it, but "
                    + "a copy of the configuration elsewhere would read another file",
            "keep included files beside the configuration, or check that this is the file the server reads"),
    NO_NTP(Severity.INFO,
            "gives no NTP servers (option 42); the phone falls back to pool.ntp.org, which must be reachable on "
                    + "UDP/123, or certificate checks fail on a wrong clock",
            "set option 42 (ntp-servers), or allow UDP/123 to pool.ntp.org");

    /** How much a finding matters to zero-touch, worst first. */
    public enum Severity {
        /** Breaks zero-touch: the phone goes elsewhere. Any of these makes the check exit with 1. */
        CONFLICT,
        /** May break the phone's boot or its registration. */
        WARNING,
        /** Works today, but is not the recommended set-up. */
        ACCEPTABLE,
        /** Worth knowing; nothing breaks. */
        INFO
    }

    private final Severity severity;
    private final String why;
    private final String fix;

    FindingKind(Severity severity, String why, String fix) {
        this.severity = severity;
        this.why = why;
        this.fix = fix;
    }

    /** The severity when the finding reaches an ALE phone; a scope that does not reach one makes it INFO. */
    public Severity severity() {
        return severity;
    }

    public String why() {
        return why;
    }

    public String fix() {
        return fix;
    }

    /** The lower-case, dashed name used in JSON and the database. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
