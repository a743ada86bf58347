package io.hub.phone.fleet;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The addresses a fleet's phones send from, one each in turn from a block such as
 * {@code 127.16.0.0/12}: on one machine, phones then look like phones behind many routers, as in an
 * office building, rather than ten thousand sockets of one address, which any per-address limit
 * would stop. Linux answers on the whole of 127.0.0.0/8 without configuration.
 */
public final class LocalAddresses {

    private final int network;
    private final int size;

    private LocalAddresses(int network, int size) {
        this.network = network;
        this.size = size;
    }

    /** @throws IllegalArgumentException for anything but an IPv4 block of at least 4 addresses */
    public static LocalAddresses parse(String cidr) {
        String[] parts = cidr.split("/");
        try {
            if (parts.length != 2) {
                throw new IllegalArgumentException();
            }
            InetAddress base = InetAddress.getByName(parts[0]);
            int prefix = Integer.parseInt(parts[1]);
            if (base.getAddress().length != 4 || prefix < 1 || prefix > 30) {
                throw new IllegalArgumentException();
            }
            int mask = -1 << (32 - prefix);
            return new LocalAddresses(java.nio.ByteBuffer.wrap(base.getAddress()).getInt() & mask, 1 << (32 - prefix));
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 block such as 127.16.0.0/12");
        }
    }

    /** The address of phone {@code index}: the block's hosts in order, skipping its first and last. */
    public InetAddress address(int index) {
        int host = 1 + Math.floorMod(index, size - 2);
        try {
            return InetAddress.getByAddress(java.nio.ByteBuffer.allocate(4).putInt(network + host).array());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
