package io.hub.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The names a server certificate is made for: checked before issuing, compared with one that exists. */
final class ServerNames {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DNS_NAME =
            Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private ServerNames() {
    }

    static boolean isIpAddress(String name) {
        return IPV4.matcher(name).matches() || name.contains(":");
    }

    /** @throws PkiException when {@code name} is not a DNS name, an IPv4 or an IPv6 address */
    static void check(String name) {
        if (name == null || name.isBlank()) {
            throw new PkiException("empty server name");
        }
        if (isIpAddress(name)) {
            if (IPV4.matcher(name).matches()) {
                for (String part : name.split("\\.")) {
                    if (Integer.parseInt(part) > 255) {
                        throw new PkiException("malformed IPv4 address '" + name + "' in server names");
                    }
                }
            } else if (!name.matches("[0-9A-Fa-f:.]+")) {
                throw new PkiException("malformed IPv6 address '" + name + "' in server names");
            }
        } else if (!DNS_NAME.matcher(name).matches() || name.length() > 253) {
            throw new PkiException("malformed DNS name '" + name + "' in server names");
        }
    }

    /** The certificate's DNS names and addresses (subject alternative names), in its order. */
    static List<String> of(X509Certificate certificate) {
        List<String> names = new java.util.ArrayList<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    int type = (Integer) entry.get(0);
                    if (type == 2 || type == 7) {
                        String name = String.valueOf(entry.get(1));
                        names.add(name.equals("0:0:0:0:0:0:0:1") ? "::1" : name);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // An unreadable SAN names nothing; the names asked for still make a certificate.
        }
        return names;
    }

    /** The names of {@code names} that {@code certificate}'s subject alternative names do not cover. */
    static Set<String> missingFrom(X509Certificate certificate, List<String> names) {
        Set<String> covered = new LinkedHashSet<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    covered.add(String.valueOf(entry.get(1)).toLowerCase(java.util.Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            // An unreadable SAN covers nothing.
        }
        Set<String> missing = new LinkedHashSet<>();
        for (String name : names) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            boolean ipv6Loopback = lower.equals("::1") && covered.contains("0:0:0:0:0:0:0:1");
            if (!covered.contains(lower) && !ipv6Loopback) {
                missing.add(name);
            }
        }
        return missing;
    }
}
