package io.hub.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Where a manufacturer CA puts a phone's MAC in the certificates it signs. The rule belongs to the
 * trusted CA, not to the certificate, so a phone cannot choose which field is believed.
 *
 * <ul>
 *   <li>{@code cn}: the subject common name is the MAC;</li>
 *   <li>{@code serial}: the subject serialNumber attribute is the MAC (IEEE 802.1AR style);</li>
 *   <li>{@code san}: a subjectAltName URI {@code urn:dev:mac:…} (RFC 9039) or a DNS name that is a MAC;</li>
 *   <li>{@code regex:…}: the pattern is searched in each subject attribute, written {@code NAME=value}
 *       with the value decoded ({@code CN=SEP00809FAABBCC}, {@code SERIALNUMBER=…}), then in each URI
 *       and DNS name; the group named {@code mac}, or else group 1, is the MAC;</li>
 *   <li>{@code any}: cn, then serial, then san; for CAs the hub itself runs.</li>
 * </ul>
 *
 * <p>A place that yields two different MACs yields none: an ambiguous certificate names no phone.
 */
public final class MacRule {

    /** RFC 9039 device URN for MAC addresses. */
    public static final String MAC_URN_PREFIX = "urn:dev:mac:";

    private enum Kind { CN, SERIAL, SAN, REGEX, ANY }

    private final Kind kind;
    private final Pattern pattern;

    private MacRule(Kind kind, Pattern pattern) {
        this.kind = kind;
        this.pattern = pattern;
    }

    public static final MacRule CN = new MacRule(Kind.CN, null);
    public static final MacRule SERIAL = new MacRule(Kind.SERIAL, null);
    public static final MacRule SAN = new MacRule(Kind.SAN, null);
    public static final MacRule ANY = new MacRule(Kind.ANY, null);

    /**
     * Parses {@code cn}, {@code serial}, {@code san}, {@code any} or {@code regex:PATTERN}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static MacRule parse(String text) {
        if (text != null && text.startsWith("regex:")) {
            String regex = text.substring("regex:".length());
            try {
                Pattern pattern = Pattern.compile(regex);
                if (pattern.matcher("").groupCount() < 1) {
                    throw new IllegalArgumentException("MAC rule '" + text + "' has no capturing group for the MAC");
                }
                return new MacRule(Kind.REGEX, pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("MAC rule '" + text + "' is not a valid regular expression: "
                        + e.getDescription());
            }
        }
        String lower = text == null ? "" : text.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "cn" -> CN;
            case "serial" -> SERIAL;
            case "san" -> SAN;
            case "any" -> ANY;
            default -> throw new IllegalArgumentException(
                    "unknown MAC rule '" + text + "': expected cn, serial, san, any or regex:PATTERN");
        };
    }

    /** The MAC this rule finds in {@code certificate}, or empty. */
    public Optional<MacAddress> extract(X509Certificate certificate) {
        return switch (kind) {
            case CN -> attribute(certificate, BCStyle.CN);
            case SERIAL -> attribute(certificate, BCStyle.SERIALNUMBER);
            case SAN -> fromAlternativeNames(certificate);
            case REGEX -> byPattern(certificate);
            case ANY -> attribute(certificate, BCStyle.CN)
                    .or(() -> attribute(certificate, BCStyle.SERIALNUMBER))
                    .or(() -> fromAlternativeNames(certificate));
        };
    }

    private static Optional<MacAddress> attribute(X509Certificate certificate, ASN1ObjectIdentifier type) {
        return unique(SubjectNames.values(certificate, type).stream().map(MacAddress::tryParse)
                .flatMap(Optional::stream).toList());
    }

    /** The one MAC found, or empty when none or several different ones were found. */
    private static Optional<MacAddress> unique(List<MacAddress> found) {
        return found.stream().distinct().count() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    private static Optional<MacAddress> fromAlternativeNames(X509Certificate certificate) {
        List<MacAddress> found = new ArrayList<>();
        for (String name : alternativeNames(certificate)) {
            String lower = name.toLowerCase(Locale.ROOT);
            (lower.startsWith(MAC_URN_PREFIX) ? MacAddress.tryParse(name.substring(MAC_URN_PREFIX.length()))
                    : MacAddress.tryParse(name)).ifPresent(found::add);
        }
        return unique(found);
    }

    private Optional<MacAddress> byPattern(X509Certificate certificate) {
        List<String> places = new ArrayList<>(SubjectNames.displayed(certificate));
        places.addAll(alternativeNames(certificate));
        List<MacAddress> found = new ArrayList<>();
        for (String place : places) {
            Matcher matcher = pattern.matcher(place);
            while (matcher.find()) {
                MacAddress.tryParse(macGroup(matcher)).ifPresent(found::add);
            }
        }
        return unique(found);
    }

    private static String macGroup(Matcher matcher) {
        try {
            return matcher.group("mac");
        } catch (IllegalArgumentException noNamedGroup) {
            return matcher.group(1);
        }
    }

    /** The URI and DNS subjectAltNames of a certificate: the kinds that can name a device. */
    static List<String> alternativeNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    boolean uriOrDns = entry.get(0) instanceof Integer kind && (kind == 2 || kind == 6);
                    if (uriOrDns && entry.get(1) instanceof String value) {
                        names.add(value);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // A certificate with an unparsable SAN simply offers no names here.
        }
        return names;
    }

    @Override
    public String toString() {
        return kind == Kind.REGEX ? "regex:" + pattern.pattern() : kind.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MacRule rule && rule.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
