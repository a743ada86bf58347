package io.hub.provisioning.devices;

import java.time.Instant;

/**
 * One contact of a phone with the hub, as stored in its status history.
 *
 * @param kind what the phone did: {@code discovery}, {@code config}, {@code firmware} or {@code status}
 * @param sourceIp the address the request came from (after NAT)
 * @param userAgent the phone's User-Agent
 * @param firmware the firmware the phone says it runs (status reports only)
 * @param ip the address the phone says it has (status reports only)
 * @param dhcp43 raw DHCP option 43 the phone received (status reports only)
 * @param dhcp66 raw DHCP option 66
 * @param dhcp67 raw DHCP option 67
 */
public record DeviceContact(Instant at, String kind, String sourceIp, String userAgent, String firmware, String ip,
        String dhcp43, String dhcp66, String dhcp67) {
}
