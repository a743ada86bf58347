package io.hub.pki;

import java.security.cert.X509Certificate;

/**
 * A manufacturer CA the hub trusts to vouch for phones.
 *
 * @param name short name used in logs, status and the audit trail
 * @param certificate the CA certificate, a trust anchor
 * @param macRule where this CA puts the MAC in the certificates it signs
 * @param generic true when the CA proves the vendor only, not the MAC
 */
public record TrustedManufacturer(String name, X509Certificate certificate, MacRule macRule, boolean generic) {
}
