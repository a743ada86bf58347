package io.hub.provisioning.tenants;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The default tenant's SIP domain and the hub's other names, which stand for it: a phone that
 * reached the hub by one of those names (its server certificate's) and registers in it belongs to the
 * default tenant, under the one domain. So phones provisioned under two names of the hub share a
 * domain, and no tenant may take one of those names for its own.
 *
 * @param domain the default tenant's domain: the {@code sipDomain} setting, else the public address,
 *     else the first non-loopback name on the server certificate, else {@code localhost}
 * @param aliases every other name of the hub, lower case
 */
public record HubDomain(String domain, Set<String> aliases) {

    public HubDomain {
        domain = domain.toLowerCase(Locale.ROOT);
        Set<String> lower = new LinkedHashSet<>();
        aliases.forEach(alias -> lower.add(alias.toLowerCase(Locale.ROOT)));
        lower.remove(domain);
        aliases = Set.copyOf(lower);
    }

    /**
     * The hub's domain from its settings and the names on its server certificate.
     *
     * @param sipDomain the configured domain, or null
     * @param publicHost the configured public address, or null
     * @param entryPoints the SIP entry point hosts of the regions
     */
    public static HubDomain of(String sipDomain, String publicHost, Collection<String> entryPoints,
            X509Certificate serverCertificate) {
        List<String> names = certificateNames(serverCertificate);
        String domain = sipDomain != null ? sipDomain : publicHost != null ? publicHost
                : names.stream().filter(name -> !isLoopback(name)).findFirst().orElse("localhost");
        Set<String> aliases = new LinkedHashSet<>(names);
        aliases.addAll(entryPoints);
        if (publicHost != null) {
            aliases.add(publicHost);
        }
        return new HubDomain(domain, aliases);
    }

    /**
     * This domain with the names of a renewed server certificate as aliases too. The domain itself
     * stays (phones and derived tenant domains were provisioned under it), and so do the names the
     * old certificate had: phones configured with one keep registering until the hub restarts.
     */
    public HubDomain withNamesOf(X509Certificate renewed) {
        Set<String> more = new LinkedHashSet<>(aliases);
        more.addAll(certificateNames(renewed));
        return new HubDomain(domain, more);
    }

    /** True for the domain itself or one of its aliases. */
    public boolean names(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.equals(domain) || aliases.contains(lower);
    }

    /**
     * The domain a new tenant gets when it names none: {@code <name>.<this domain>}, or
     * {@code <name>.hub.invalid} when this domain is an address rather than a name.
     */
    public String derive(String tenant) {
        boolean address = domain.contains(":") || domain.matches("[0-9.]+");
        return tenant + "." + (address ? "hub.invalid" : domain);
    }

    private static List<String> certificateNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : names.stream().filter(name -> name.size() == 2)
                    .map(name -> String.valueOf(name.get(1))).toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static boolean isLoopback(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("localhost") || lower.endsWith(".localhost") || lower.startsWith("127.")
                || lower.equals("::1") || lower.equals("0:0:0:0:0:0:0:1");
    }
}
