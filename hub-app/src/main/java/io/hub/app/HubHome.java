package io.hub.app;

import io.hub.pki.HubPki;
import io.hub.pki.SecureFiles;
import io.hub.provisioning.Provisioning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * The runtime home ({@code ./var}, {@code HUB_HOME} or {@code --home}): where the PKI, the database,
 * the firmware store, the admin token and the key that seals SIP passwords live. Creating it never
 * overwrites what is there; it makes {@code db} and {@code secrets} 0700 whatever the umask.
 */
public final class HubHome {

    public static final String ADMIN_TOKEN = "admin-token";
    public static final String SETTINGS = "hub.yaml";
    /** The key that seals SIP passwords in the database, in {@link #secretsDirectory()}. */
    public static final String SIP_PASSWORDS_KEY = "sip-passwords.key";

    private final Path root;

    public HubHome(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path pkiDirectory() {
        return root.resolve("pki");
    }

    public Path databaseDirectory() {
        return root.resolve("db");
    }

    public Path secretsDirectory() {
        return root.resolve("secrets");
    }

    public Path firmwareDirectory() {
        return root.resolve("firmware");
    }

    public Path adminTokenFile() {
        return root.resolve(ADMIN_TOKEN);
    }

    public Path settingsFile() {
        return root.resolve(SETTINGS);
    }

    public HubPki pki(Clock clock) {
        return HubPki.at(pkiDirectory(), clock);
    }

    /**
     * Creates the home and its directories if missing.
     *
     * @throws UserError when the home cannot be created or written
     */
    public void create() {
        try {
            for (Path directory : new Path[] {root, pkiDirectory(), firmwareDirectory()}) {
                Files.createDirectories(directory);
            }
            // They hold every phone's SIP password (sealed) and the key that opens them.
            Provisioning.privateDirectory(databaseDirectory());
            Provisioning.privateDirectory(secretsDirectory());
            Files.delete(Files.createTempFile(root, ".write-check-", ".tmp"));
        } catch (IOException e) {
            throw new UserError("home " + root + " is not writable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /**
     * The key that seals SIP passwords at rest, created on first use (32 random bytes, mode 0600,
     * never overwritten). It must be backed up with the database: without it the passwords are lost.
     *
     * @throws UserError when it cannot be created or read, or is damaged
     */
    public byte[] sipPasswordsKey() {
        try {
            return Provisioning.secretsKey(secretsDirectory().resolve(SIP_PASSWORDS_KEY));
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage());
        }
    }

    /**
     * The admin bearer token, created on first use: 32 random bytes, base64url, mode 0600.
     *
     * @return true when the token was created now
     */
    public boolean ensureAdminToken() {
        if (Files.exists(adminTokenFile())) {
            return false;
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n";
        SecureFiles.writeAtomically(adminTokenFile(), token.getBytes(StandardCharsets.US_ASCII), true);
        return true;
    }
}
