package io.hub.dhcp.probe;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Where and how the probe talks: {@link ProbeInterface} makes one for a network interface; tests
 * make one on loopback.
 *
 * @param bind the local address and port (0.0.0.0:68 for a real probe)
 * @param destinations where the messages go (255.255.255.255:67, the subnet broadcast)
 * @param mac the client hardware address the messages carry
 * @param clientAddress the client's IPv4 address for DHCPINFORM; null when it has none
 * @param vendorClass the option 60 it sends
 * @param timeout how long to collect replies after sending
 * @param inform whether to send a DHCPINFORM besides the DHCPDISCOVER
 * @param notes what the plan decided and why, for the report
 * @param device the network device the socket is bound to ({@code SO_BINDTODEVICE}) when the
 *     interface has no IPv4 address, so the broadcast leaves by it; null to bind {@code bind} alone
 */
public record ProbePlan(InetSocketAddress bind, List<InetSocketAddress> destinations, byte[] mac,
        byte[] clientAddress, String vendorClass, Duration timeout, boolean inform, List<String> notes,
        String device) {

    /** A plan bound to an address only. */
    public ProbePlan(InetSocketAddress bind, List<InetSocketAddress> destinations, byte[] mac, byte[] clientAddress,
            String vendorClass, Duration timeout, boolean inform, List<String> notes) {
        this(bind, destinations, mac, clientAddress, vendorClass, timeout, inform, notes, null);
    }

    public ProbePlan {
        destinations = List.copyOf(destinations);
        mac = mac.clone();
        clientAddress = clientAddress == null ? null : clientAddress.clone();
        notes = List.copyOf(notes);
        if (inform && clientAddress == null) {
            throw new IllegalArgumentException("a DHCPINFORM needs the client's address");
        }
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    @Override
    public byte[] clientAddress() {
        return clientAddress == null ? null : clientAddress.clone();
    }
}
