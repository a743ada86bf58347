package io.hub.provisioning.fleet;

import io.hub.provisioning.Refusal;
import io.hub.provisioning.ProvisioningException;
import java.util.Locale;
import java.util.Set;

/**
 * What the console's device list asks for: a free-text search over MAC, extension, display name,
 * site and model; exact site and model; the device state; the live state; and a page.
 *
 * @param search null for none; matched case-insensitively as a substring (a MAC in any spelling)
 * @param state null, {@code enabled} or {@code disabled}
 * @param live null, {@code registered} (at least one binding) or {@code unregistered}
 */
public record FleetFilter(String search, String site, String model, String state, String live, int page, int size) {

    private static final Set<String> STATES = Set.of("enabled", "disabled");
    private static final Set<String> LIVE = Set.of("registered", "unregistered");
    public static final int MAX_SIZE = 500;

    /**
     * Blank values count as absent.
     *
     * @throws ProvisioningException 400 {@code invalid-filter} naming the value and what is allowed
     */
    public FleetFilter {
        search = blankToNull(search);
        site = blankToNull(site);
        model = blankToNull(model);
        state = blankToNull(state);
        live = blankToNull(live);
        if (state != null && !STATES.contains(state)) {
            throw new ProvisioningException(Refusal.INVALID_FILTER, "state '" + state + "' is not enabled or disabled");
        }
        if (live != null && !LIVE.contains(live)) {
            throw new ProvisioningException(Refusal.INVALID_FILTER, "live '" + live
                    + "' is not registered or unregistered");
        }
        if (search != null && search.length() > 100) {
            throw new ProvisioningException(Refusal.INVALID_FILTER, "a search is at most 100 characters");
        }
        if (page < 0 || size < 1 || size > MAX_SIZE) {
            throw new ProvisioningException(Refusal.INVALID_FILTER, "page must be 0 or more and size 1 to " + MAX_SIZE);
        }
    }

    /** The search as a MAC would be stored (12 lower-case hex digits, no separators), when it can be part of one. */
    String searchAsMac() {
        if (search == null) {
            return null;
        }
        String hex = search.replaceAll("[:.\\-]", "").toLowerCase(Locale.ROOT);
        return hex.matches("[0-9a-f]{1,12}") ? hex : null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
