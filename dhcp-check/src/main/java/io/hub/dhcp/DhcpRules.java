package io.hub.dhcp;

import io.hub.dhcp.decode.DecodedOption;
import io.hub.dhcp.decode.Location;
import io.hub.dhcp.decode.OptionDecoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules that turn DHCP options into findings, the same for a server's configuration, a live
 * reply and a phone's report: where an option sends a phone (43, 66, 67, 150, 160), what else
 * overrides the hub's configuration (120), and the basics a SIP phone needs (3, 6, 42).
 */
public final class DhcpRules {

    /** The options that can take a phone away from zero-touch; the others only matter as basics. */
    public static final Set<Integer> LOCATION_OPTIONS = Set.of(43, 66, 67, 150, 160);

    private final DiscoveryUrl hub;

    public DhcpRules(DiscoveryUrl hub) {
        this.hub = hub;
    }

    public DiscoveryUrl hub() {
        return hub;
    }

    /**
     * What goes with an option when a phone reads it.
     *
     * @param vendorClass the option 60 the value is sent with (decodes 43), or null
     * @param bootServer the server a bootfile is fetched from (option 66, the sname field or
     *     next-server), or null
     */
    public record Context(String vendorClass, String bootServer) {
        public static final Context NONE = new Context(null, null);
    }

    /** The findings of one option in one scope; none for an option that is fine or does not matter. */
    public List<Finding> check(OptionValue value, Scope scope, Context context) {
        DecodedOption decoded = OptionDecoder.decode(value.code(), value.bytes(), context.vendorClass());
        List<Finding> findings = new ArrayList<>();
        String subject = "option " + value.code() + " (" + decoded.name() + ")";
        if (decoded.malformed()) {
            findings.add(finding(FindingKind.MALFORMED_OPTION, value, decoded.text(), "", scope,
                    subject + " " + FindingKind.MALFORMED_OPTION.why() + " (" + decoded.problem() + ")"));
        }
        if (value.code() == 120 && !decoded.locations().isEmpty()) {
            findings.add(finding(FindingKind.SIP_SERVER, value, decoded.text(), decoded.locations().get(0).value(),
                    scope, subject + " " + FindingKind.SIP_SERVER.why()));
        }
        if (!LOCATION_OPTIONS.contains(value.code())) {
            return findings;
        }
        List<Location> locations = decoded.locations();
        if (locations.isEmpty()) {
            if (value.code() == 43 && !decoded.malformed()) {
                findings.add(finding(FindingKind.VENDOR_DATA, value, decoded.text(), "", scope,
                        subject + " " + FindingKind.VENDOR_DATA.why()));
            }
            return findings;
        }
        Optional<Location> elsewhere = locations.stream().filter(location -> !isHub(location)).findFirst();
        if (elsewhere.isEmpty()) {
            findings.add(finding(FindingKind.MATCHES_HUB, value, decoded.text(), locations.get(0).value(), scope,
                    subject + " " + FindingKind.MATCHES_HUB.why()));
            return findings;
        }
        Location location = elsewhere.get();
        FindingKind kind = kindOf(value.code(), location);
        String text = decoded.text();
        if (kind == FindingKind.BOOT_FILE) {
            text = text + " (by TFTP from " + (context.bootServer() == null ? "the DHCP server itself"
                    : context.bootServer()) + ")";
        }
        findings.add(finding(kind, value, text, location.value(), scope, subject + " " + kind.why()));
        return findings;
    }

    /** The findings of every option of a reply or scope, in the order given. */
    public List<Finding> check(Collection<OptionValue> values, Scope scope, Context context) {
        List<Finding> findings = new ArrayList<>();
        for (OptionValue value : values) {
            findings.addAll(check(value, scope, context));
        }
        return findings;
    }

    /**
     * The basics a SIP phone needs that a scope does not give: a router, DNS servers, NTP servers.
     *
     * @param present the option codes the scope gives, its own and those it inherits
     * @param subject what the scope is, for the text: {@code the reply}, {@code subnet 10.1.0.0/24}
     */
    public List<Finding> basics(Set<Integer> present, Scope scope, String subject, String where) {
        List<Finding> findings = new ArrayList<>();
        for (FindingKind kind : List.of(FindingKind.NO_ROUTER, FindingKind.NO_DNS, FindingKind.NO_NTP)) {
            int code = switch (kind) {
                case NO_ROUTER -> 3;
                case NO_DNS -> 6;
                default -> 42;
            };
            if (!present.contains(code)) {
                findings.add(finding(kind, new OptionValue(code, new byte[0], "", where), "(none)", "", scope,
                        subject + " " + kind.why()));
            }
        }
        return findings;
    }

    /**
     * A finding about the configuration itself rather than an option's value: an option or space the
     * checker does not know, a file included from elsewhere.
     *
     * @param subject what it is about, for the text: {@code option 'frobnicate' in space dhcp4}
     */
    public Finding notice(FindingKind kind, int code, String raw, String subject, Scope scope, String where) {
        return finding(kind, new OptionValue(code, new byte[0], raw, where), raw, "", scope,
                subject + " " + kind.why());
    }

    /** A reply that could not be read whole: a lying length, a cut datagram, no message type. */
    public Finding malformedReply(String problem, Scope scope, String where) {
        return finding(FindingKind.MALFORMED_REPLY, new OptionValue(0, new byte[0], "", where), problem, "", scope,
                FindingKind.MALFORMED_REPLY.why() + " (" + problem + ")");
    }

    private boolean isHub(Location location) {
        return location.kind() == Location.Kind.URL && hub.matches(location.value());
    }

    private static FindingKind kindOf(int code, Location location) {
        return switch (location.kind()) {
            case URL -> location.scheme().equals("tftp") ? FindingKind.TFTP_SERVER : FindingKind.MANAGEMENT_URL;
            case FILE -> FindingKind.BOOT_FILE;
            case SERVER -> code == 66 || code == 150 ? FindingKind.TFTP_SERVER : FindingKind.MANAGEMENT_URL;
        };
    }

    private Finding finding(FindingKind kind, OptionValue value, String decoded, String location, Scope scope,
            String why) {
        boolean urlFix = kind == FindingKind.MANAGEMENT_URL || kind == FindingKind.TFTP_SERVER;
        String fix = kind.fix() + (urlFix ? " " + hub : "");
        FindingKind.Severity severity = kind.severity();
        if (!scope.reachesAlePhone()) {
            severity = FindingKind.Severity.INFO;
            why = why + "; but this scope does not reach ALE phones"
                    + (scope.reason().isEmpty() ? "" : " (" + scope.reason() + ")");
            fix = "nothing to do for ALE phones";
        }
        return new Finding(kind, severity, value.code(), value.raw(), decoded, location, scope, why, fix,
                value.where() == null ? "" : value.where());
    }
}
