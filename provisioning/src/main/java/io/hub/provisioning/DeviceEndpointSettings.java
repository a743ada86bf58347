package io.hub.provisioning;

import java.util.Map;
import java.util.function.IntSupplier;

/**
 * What the device side tells phones about where things are.
 *
 * @param publicHost the host put in URLs and used as SIP entry point; null means the host the phone
 *     itself used to reach the hub (its Host header), which is always one it can reach
 * @param sipTlsPort the SIP-TLS port phones register to, asked at each use: the SIP side may bind
 *     a free port after provisioning has started
 * @param regionHosts SIP entry point per region (eu1, latam1, apac1, na1); a missing region uses
 *     the public host
 * @param sipDomain the default tenant's SIP domain; null means the public host, else the first
 *     non-loopback name on the server certificate (see {@code HubDomain})
 * @param global the global settings layer of every configuration (NTP, keepalive, time zone …)
 */
public record DeviceEndpointSettings(String publicHost, IntSupplier sipTlsPort, Map<String, String> regionHosts,
        String sipDomain, Map<String, String> global) {

    public DeviceEndpointSettings {
        regionHosts = Map.copyOf(regionHosts);
        global = Map.copyOf(global);
    }

    public static DeviceEndpointSettings defaults(String publicHost, int sipTlsPort) {
        return new DeviceEndpointSettings(publicHost, () -> sipTlsPort, Map.of(), null, Map.of());
    }
}
