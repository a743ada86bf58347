package io.hub.provisioning.tenants;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Tenants and their admin tokens. Only a token's SHA-256 is stored; a request's bearer token is
 * hashed and looked up, so the comparison never leaks the stored value through timing.
 */
public final class Tenants {

    /** The values of {@code sipClientCertificate}, per tenant as in {@code hub.yaml}. */
    public static final java.util.List<String> SIP_CLIENT_CERTIFICATE = java.util.List.of("wanted", "required");

    /** The tenant whose token is {@code var/admin-token}. */
    public static final String DEFAULT = "default";

    private final Database database;
    private final Clock clock;

    public Tenants(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Creates the tenant, or gives it this token if it exists with another. */
    public void upsert(String id, String name, String token) {
        String hash = hash(token);
        database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE tenant SET token_sha256 = ?, name = ? WHERE id = ?")) {
                Rows.bind(update, hash, name, id);
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO tenant (id, name, token_sha256, created_at) VALUES (?, ?, ?, ?)")) {
                        Rows.bind(insert, id, name, hash, clock.instant());
                        insert.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    /** The tenant a bearer token belongs to. */
    public Optional<String> byToken(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        String hash = hash(token.strip());
        return database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT id FROM tenant WHERE token_sha256 = ?")) {
                statement.setString(1, hash);
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /**
     * The tenant's own {@code sipClientCertificate} ({@code wanted} or {@code required}); empty when
     * it follows the hub's setting, or there is no such tenant.
     */
    public Optional<String> sipClientCertificate(String tenant) {
        return database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT sip_client_certificate FROM tenant WHERE id = ?")) {
                statement.setString(1, tenant);
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /**
     * Sets the tenant's {@code sipClientCertificate}; null makes it follow the hub's setting again.
     *
     * @throws ProvisioningException 400 {@code invalid-setting} for another value, 404
     *     {@code not-found} for an unknown tenant
     */
    public void sipClientCertificate(String tenant, String policy) {
        if (policy != null && !SIP_CLIENT_CERTIFICATE.contains(policy)) {
            throw ProvisioningException.badRequest("invalid-setting", "sipClientCertificate '" + policy
                    + "' is not wanted or required");
        }
        int updated = database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE tenant SET sip_client_certificate = ? WHERE id = ?")) {
                Rows.bind(statement, policy, tenant);
                return statement.executeUpdate();
            }
        });
        if (updated == 0) {
            throw ProvisioningException.notFound("not-found", "no tenant " + tenant);
        }
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.strip().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
