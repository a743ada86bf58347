package io.hub.provisioning.tenants;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tenants, their admin tokens and their SIP domains. Only a token's SHA-256 is stored; a request's
 * bearer token is hashed and looked up, so the comparison never leaks the stored value through
 * timing. The default tenant is the operator: its token is {@code var/admin-token}, its domain the
 * hub's ({@link HubDomain}), and only it manages tenants.
 */
public final class Tenants {

    /** The values of {@code sipClientCertificate}, per tenant as in {@code hub.yaml}. */
    public static final java.util.List<String> SIP_CLIENT_CERTIFICATE = java.util.List.of("wanted", "required");

    /** The tenant whose token is {@code var/admin-token}: the operator. */
    public static final String DEFAULT = "default";
    /** Lower-case letters, digits and inner dashes: the name appears in URLs, actors and domains. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?");
    static final int MAX_NAME = 32;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    static final int MAX_DOMAIN = 253;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database database;
    private final Clock clock;
    /** Replaced when the server certificate is renewed, read by every REGISTER. */
    private volatile HubDomain hub;

    private final io.hub.provisioning.changes.ConfigChanges changes;

    public Tenants(Database database, Clock clock, HubDomain hub) {
        this(database, clock, hub, new io.hub.provisioning.changes.ConfigChanges());
    }

    /** Every write to a tenant is announced to {@code changes} once its transaction commits. */
    public Tenants(Database database, Clock clock, HubDomain hub, io.hub.provisioning.changes.ConfigChanges changes) {
        this.changes = changes;
        this.database = database;
        this.clock = clock;
        this.hub = hub;
    }

    /** A new tenant and the only copy of its token. */
    public record Created(Tenant tenant, String token) {
    }

    /** Work done in the transaction that creates a tenant, such as its audit row. */
    @FunctionalInterface
    public interface InTransaction {
        void run(Connection connection, Tenant tenant) throws SQLException;
    }

    /** A tenant a SIP domain belongs to, with that domain as it is written (an alias resolved). */
    public record DomainOwner(String tenant, String domain) {
    }

    /**
     * Creates a tenant with a new token.
     *
     * @param sipDomain its SIP domain, or null for {@link HubDomain#derive}
     * @throws ProvisioningException 400 {@code invalid-tenant} or {@code invalid-domain} naming the
     *     problem, 409 {@code tenant-exists} or {@code domain-taken}; nothing is created then
     */
    public Created create(String name, String sipDomain) {
        return create(name, sipDomain, (connection, tenant) -> {
        });
    }

    /**
     * Creates a tenant as {@link #create(String, String)} does, running {@code alongside} (its audit
     * row) in the same transaction: a kill -9 leaves the tenant with its audit row, or neither.
     */
    public Created create(String name, String sipDomain, InTransaction alongside) {
        String checkedName = checkName(name);
        String wanted = sipDomain == null ? hub.derive(checkedName) : sipDomain;
        if (hub.names(wanted)) {
            throw new ProvisioningException(Refusal.DOMAIN_TAKEN, "domain " + wanted.toLowerCase(Locale.ROOT)
                    + " is the hub's own (the default tenant's)");
        }
        String domain = checkDomain(wanted);
        String token = newToken();
        Tenant tenant = database.transaction(connection -> {
            if (exists(connection, checkedName)) {
                throw new ProvisioningException(Refusal.TENANT_EXISTS, "tenant " + checkedName + " already exists");
            }
            if (domainOwner(connection, domain).isPresent()) {
                throw new ProvisioningException(Refusal.DOMAIN_TAKEN, "domain " + domain
                        + " belongs to another tenant");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO tenant (id, name, "
                    + "token_sha256, sip_domain, created_at) VALUES (?, ?, ?, ?, ?)")) {
                Rows.bind(insert, checkedName, checkedName, hash(token), domain, clock.instant());
                insert.executeUpdate();
            }
            changes.afterCommit(io.hub.provisioning.changes.ConfigChange.tenant(checkedName));
            Tenant created = find(connection, checkedName).orElseThrow();
            alongside.run(connection, created);
            return created;
        });
        return new Created(tenant, token);
    }

    /** Every tenant, the default one first, then by name. */
    public List<Tenant> list() {
        return database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT id, sip_domain, token_sha256, "
                    + "created_at, sip_client_certificate FROM tenant ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END, id")) {
                statement.setString(1, DEFAULT);
                List<Tenant> tenants = new ArrayList<>();
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        tenants.add(tenant(row));
                    }
                }
                return tenants;
            }
        });
    }

    /**
     * Gives the tenant a new token; the old one stops working at once.
     *
     * @throws ProvisioningException 404 {@code no-such-tenant}, 400 {@code operator-token} for the
     *     default tenant (its token is {@code var/admin-token}, rotated there)
     */
    public String rotateToken(String name) {
        String token = newToken();
        setToken(name, hash(token));
        return token;
    }

    /** Revokes the tenant's token: none works until one is rotated in. Errors as {@link #rotateToken}. */
    public void revokeToken(String name) {
        setToken(name, null);
    }

    private void setToken(String name, String hash) {
        if (DEFAULT.equals(name)) {
            throw new ProvisioningException(Refusal.OPERATOR_TOKEN, "the default tenant's token is "
                    + "var/admin-token; replace that file and restart the hub to change it");
        }
        database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE tenant SET token_sha256 = ? WHERE id = ?")) {
                Rows.bind(update, hash, name);
                if (update.executeUpdate() == 0) {
                    throw new ProvisioningException(Refusal.NO_SUCH_TENANT, "no tenant " + printable(name));
                }
            }
            return null;
        });
    }

    /** Creates the tenant, or gives it this token if it exists with another (the operator's at start, tests). */
    public void upsert(String id, String name, String token) {
        String hash = hash(token);
        database.transaction(connection -> {
            changes.afterCommit(io.hub.provisioning.changes.ConfigChange.tenant(id));
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE tenant SET token_sha256 = ?, name = ? WHERE id = ?")) {
                Rows.bind(update, hash, name, id);
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO tenant (id, name, "
                            + "token_sha256, sip_domain, created_at) VALUES (?, ?, ?, ?, ?)")) {
                        Rows.bind(insert, id, name, hash, DEFAULT.equals(id) ? null : hub.derive(id),
                                clock.instant());
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

    /** The SIP domain of a tenant's phones (the hub's for the default tenant). */
    public String domainOf(String tenant) {
        if (DEFAULT.equals(tenant)) {
            return hub.domain();
        }
        return database.transaction(connection -> find(connection, tenant)).map(Tenant::sipDomain)
                .orElseGet(() -> hub.derive(tenant));
    }

    /**
     * The tenant that owns {@code host} as its SIP domain: the default tenant for the hub's domain
     * and its aliases, else the tenant whose domain it is.
     */
    public Optional<DomainOwner> byDomain(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        if (hub.names(host)) {
            return Optional.of(new DomainOwner(DEFAULT, hub.domain()));
        }
        String domain = host.toLowerCase(Locale.ROOT);
        return database.transaction(connection -> domainOwner(connection, domain))
                .map(tenant -> new DomainOwner(tenant, domain));
    }

    public HubDomain hubDomain() {
        return hub;
    }

    /**
     * Takes the names of a renewed server certificate as the hub's aliases too, so a phone that
     * reaches the hub by a new name registers in the default tenant without a restart.
     *
     * @return the names the hub now answers to besides its domain
     */
    public synchronized java.util.Set<String> followServerCertificate(java.security.cert.X509Certificate renewed) {
        hub = hub.withNamesOf(renewed);
        return hub.aliases();
    }

    private static Optional<String> domainOwner(Connection connection, String domain) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT id FROM tenant WHERE sip_domain = ?")) {
            statement.setString(1, domain);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    private Optional<Tenant> find(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT id, sip_domain, token_sha256, created_at, sip_client_certificate FROM tenant WHERE id = ?")) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(tenant(row)) : Optional.empty();
            }
        }
    }

    private static boolean exists(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM tenant WHERE id = ?")) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

    private Tenant tenant(ResultSet row) throws SQLException {
        String id = row.getString("id");
        String domain = DEFAULT.equals(id) ? hub.domain()
                : row.getString("sip_domain") != null ? row.getString("sip_domain") : hub.derive(id);
        return new Tenant(id, domain, row.getString("token_sha256") != null, Rows.instant(row, "created_at"),
                row.getString("sip_client_certificate"));
    }

    static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new ProvisioningException(Refusal.INVALID_TENANT, "the tenant's name is empty");
        }
        if (name.length() > MAX_NAME) {
            throw new ProvisioningException(Refusal.INVALID_TENANT, "the tenant's name is longer than " + MAX_NAME
                    + " characters");
        }
        if (!NAME.matcher(name).matches()) {
            throw new ProvisioningException(Refusal.INVALID_TENANT, "the tenant's name '" + printable(name)
                    + "' is not lower-case letters, digits and inner dashes");
        }
        return name;
    }

    static String checkDomain(String domain) {
        if (domain.isEmpty()) {
            throw new ProvisioningException(Refusal.INVALID_DOMAIN, "the SIP domain is empty");
        }
        if (domain.length() > MAX_DOMAIN) {
            throw new ProvisioningException(Refusal.INVALID_DOMAIN, "the SIP domain is longer than " + MAX_DOMAIN
                    + " characters");
        }
        String lower = domain.toLowerCase(Locale.ROOT);
        String[] labels = lower.split("\\.", -1);
        boolean valid = labels.length >= 2 && !labels[labels.length - 1].matches("[0-9]+");
        for (String label : labels) {
            valid &= LABEL.matcher(label).matches();
        }
        if (!valid) {
            throw new ProvisioningException(Refusal.INVALID_DOMAIN, "the SIP domain '" + printable(domain)
                    + "' is not a DNS name of two or more labels (letters, digits, inner dashes)");
        }
        return lower;
    }

    private static String printable(String text) {
        String clipped = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return clipped.replaceAll("\\p{Cntrl}", "?");
    }

    private static String newToken() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
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
            throw new ProvisioningException(Refusal.INVALID_SETTING, "sipClientCertificate '" + policy
                    + "' is not wanted or required");
        }
        int updated = database.transaction(connection -> {
            changes.afterCommit(io.hub.provisioning.changes.ConfigChange.tenant(tenant));
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE tenant SET sip_client_certificate = ? WHERE id = ?")) {
                Rows.bind(statement, policy, tenant);
                return statement.executeUpdate();
            }
        });
        if (updated == 0) {
            throw new ProvisioningException(Refusal.NOT_FOUND, "no tenant " + tenant);
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
