package io.hub.app.admin;

import io.hub.app.HomeOption;
import io.hub.app.HubHome;
import io.hub.app.HubSettings;
import io.hub.app.UserError;
import io.hub.pki.HubPki;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How admin commands reach the hub: its URL, and the CA and token from the home. */
public final class AdminOptions {

    @Mixin
    HomeOption home;

    @Option(names = "--admin-url", paramLabel = "URL",
            description = "The admin API (default: https://127.0.0.1:<adminPort of hub.yaml, else 9443>).")
    URI adminUrl;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Bearer token (default: HOME/admin-token).")
    Path tokenFile;

    public AdminClient client() {
        return client(home.home(), adminUrl, tokenFile);
    }

    public HubHome home() {
        return home.home();
    }

    static AdminClient client(HubHome hubHome, URI adminUrl, Path tokenFile) {
        URI base = adminUrl;
        if (base == null) {
            HubSettings settings = HubSettings.load(hubHome.settingsFile(), false);
            base = URI.create("https://127.0.0.1:" + settings.adminPort + "/");
        }
        Path token = tokenFile != null ? tokenFile : hubHome.adminTokenFile();
        try {
            return new AdminClient(base, hubHome.pkiDirectory().resolve(HubPki.HUB_CA_CERTIFICATE),
                    Files.readString(token).strip());
        } catch (IOException e) {
            throw new UserError("cannot read the admin token " + token + " (start the hub once to create it, or see "
                    + "--token-file)");
        }
    }
}
