package io.hub.profiles;

import java.util.Map;
import java.util.Objects;

/**
 * What to render for one phone: its MAC and model, and the layers of settings above the built-in
 * defaults, from the most general to the most specific. The model's own layer (from its family
 * file) sits between {@code site} and {@code device}.
 *
 * @param mac the normalised MAC (12 lower-case hex digits)
 * @param model the model name or alias
 * @param global the hub-wide layer (registrar host, domain, firmware URL base …)
 * @param site the layer of the phone's site (time zone, language …)
 * @param device the phone's own layer (account, display name, overrides)
 */
public record ConfigRequest(String mac, String model, Map<String, String> global, Map<String, String> site,
        Map<String, String> device) {

    public ConfigRequest {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(model, "model");
        global = Map.copyOf(global);
        site = Map.copyOf(site);
        device = Map.copyOf(device);
    }
}
