package io.hub.app.dhcp;

import io.hub.app.HomeOption;
import io.hub.app.HubSettings;
import io.hub.app.UserError;
import io.hub.dhcp.DiscoveryUrl;
import java.util.Locale;

/**
 * The discovery URL DHCP values are compared with when none is given: the one phones use,
 * {@code https://<publicAddress or the first non-loopback server name, else localhost>:<httpsPort>/rdd/v1/discovery}
 * from the home's hub.yaml.
 */
final class DiscoveryDefaults {

    private DiscoveryDefaults() {
    }

    /** @throws UserError when the given URL is not https, or hub.yaml cannot say which one it is */
    static DiscoveryUrl resolve(HomeOption home, String given) {
        if (given != null) {
            try {
                return DiscoveryUrl.parse(given);
            } catch (IllegalArgumentException e) {
                throw new UserError("--discovery-url: " + e.getMessage());
            }
        }
        HubSettings settings = HubSettings.load(home.home().settingsFile(), false);
        if (settings.httpsPort == 0) {
            throw new UserError("hub.yaml sets httpsPort 0 (a free port at each start), so the discovery URL is not "
                    + "known; pass --discovery-url");
        }
        String host = settings.publicAddress != null ? settings.publicAddress
                : settings.serverNames.stream().filter(name -> !isLoopback(name)).findFirst().orElse("localhost");
        try {
            return DiscoveryUrl.of(host, settings.httpsPort);
        } catch (IllegalArgumentException e) {
            throw new UserError("hub.yaml: " + e.getMessage() + "; pass --discovery-url");
        }
    }

    private static boolean isLoopback(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("localhost") || lower.endsWith(".localhost") || lower.startsWith("127.")
                || lower.equals("::1");
    }
}
