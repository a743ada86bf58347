package io.hub.app;

import io.hub.pki.HubPki;
import io.hub.pki.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * The runtime home ({@code ./var}, {@code HUB_HOME} or {@code --home}): where the PKI, the database,
 * the firmware store and the admin token live. Creating it never overwrites what is there.
 */
public final class HubHome {

    public static final String ADMIN_TOKEN = "admin-token";
    public static final String SETTINGS = "hub.yaml";

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
            for (Path directory : new Path[] {root, pkiDirectory(), databaseDirectory(), firmwareDirectory()}) {
                Files.createDirectories(directory);
            }
            Files.delete(Files.createTempFile(root, ".write-check-", ".tmp"));
        } catch (IOException e) {
            throw new UserError("home " + root + " is not writable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
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
