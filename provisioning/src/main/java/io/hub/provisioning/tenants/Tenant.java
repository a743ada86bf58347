package io.hub.provisioning.tenants;

import java.time.Instant;

/**
 * A tenant as the admin API shows it; its token is never part of it.
 *
 * @param name the tenant's key, as it appears in actors ({@code admin:<name>}) and URLs
 * @param sipDomain the SIP domain its phones register in and call within
 * @param hasToken false once its token was revoked and until one is rotated in
 * @param sipClientCertificate its own {@code wanted} or {@code required}, or null when it follows
 *     the hub's setting
 */
public record Tenant(String name, String sipDomain, boolean hasToken, Instant createdAt,
        String sipClientCertificate) {
}
