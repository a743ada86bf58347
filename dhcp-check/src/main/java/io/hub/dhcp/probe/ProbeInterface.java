package io.hub.dhcp.probe;

import io.hub.dhcp.AlePhones;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes the probe's plan for one network interface, and refuses when it cannot keep to that
 * interface.
 *
 * <p>On an interface with an IPv4 address the probe binds 0.0.0.0:68 with Java's own sockets and
 * chooses destinations that leave by the named interface: the subnet broadcast of each IPv4
 * address (routed out of it by its connected route), and 255.255.255.255 only when the routing
 * table sends that out of the same interface; when neither is possible it refuses rather than
 * broadcast on another network. On an interface without one (a fresh port on the phones' VLAN)
 * it binds to the device itself ({@code SO_BINDTODEVICE}, see {@link DeviceSocket}), so its
 * broadcast leaves by that interface whatever the routes.
 */
public final class ProbeInterface {

    static final int CLIENT_PORT = 68;
    static final int SERVER_PORT = 67;
    private static final Path ROUTES = Path.of("/proc/net/route");
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path SYS_NET = Path.of("/sys/class/net");
    private static final int IFF_UP = 0x1;
    private static final int IFF_LOOPBACK = 0x8;

    private ProbeInterface() {
    }

    /**
     * The plan for probing {@code name}.
     *
     * @throws ProbeException when the interface does not exist, is down or loopback, has no Ethernet
     *     address, cannot be reached alone, or the process is not root
     */
    public static ProbePlan plan(String name, Duration timeout, boolean inform, String vendorClass) {
        NetworkInterface device;
        try {
            device = NetworkInterface.getByName(name);
            if (device == null) {
                // Java lists only interfaces that have an address; one with none at all (not even an
                // IPv6 link-local) is still a device the kernel knows.
                return addressless(name, timeout, vendorClass, inform);
            }
            if (!device.isUp()) {
                throw new ProbeException("interface " + name + " is down (ip link set " + name + " up)");
            }
            if (device.isLoopback()) {
                throw new ProbeException("interface " + name + " is a loopback; no DHCP server answers there");
            }
        } catch (SocketException e) {
            throw new ProbeException("cannot read interface " + name + ": " + e.getMessage());
        }
        byte[] mac = hardwareAddress(device, name);
        if (!isRoot()) {
            throw new ProbeException("the probe needs root: it binds UDP port 68 and broadcasts (run it with "
                    + "sudo)");
        }
        List<InetSocketAddress> destinations = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        byte[] clientAddress = null;
        for (InterfaceAddress address : device.getInterfaceAddresses()) {
            if (address.getAddress() instanceof Inet4Address ipv4) {
                clientAddress = clientAddress == null ? ipv4.getAddress() : clientAddress;
                subnetBroadcast(ipv4, address.getNetworkPrefixLength())
                        .ifPresent(broadcast -> destinations.add(new InetSocketAddress(broadcast, SERVER_PORT)));
            }
        }
        if (inform && clientAddress == null) {
            throw new ProbeException("--inform needs an IPv4 address on " + name
                    + " (a DHCPINFORM asks about an address the client already has)");
        }
        if (clientAddress == null) {
            return onDevice(name, mac, timeout, vendorClass);
        }
        Optional<String> limited = RouteTable.read(ROUTES).deviceFor(0xffffffff);
        if (limited.isPresent() && limited.get().equals(name)) {
            destinations.add(0, new InetSocketAddress(broadcastAll(), SERVER_PORT));
        } else {
            notes.add("not sent to 255.255.255.255: it would leave by " + limited.orElse("no interface")
                    + ", not " + name);
        }
        if (destinations.isEmpty()) {
            throw new ProbeException("interface " + name + " has only /31 or /32 addresses and 255.255.255.255 "
                    + "leaves by " + limited.orElse("no interface") + ": probe where it carries the default route");
        }
        return new ProbePlan(new InetSocketAddress(CLIENT_PORT), destinations, mac, clientAddress, vendorClass == null
                ? AlePhones.VENDOR_CLASS : vendorClass, timeout, inform, notes);
    }

    /**
     * A fresh port on the phones' VLAN: no address, perhaps no route. Like a DHCP client, the probe
     * binds to the device itself and broadcasts from 0.0.0.0 with the broadcast flag set.
     */
    private static ProbePlan onDevice(String name, byte[] mac, Duration timeout, String vendorClass) {
        List<String> notes = List.of(name + " has no IPv4 address: bound to the device, sent from 0.0.0.0 to "
                + "255.255.255.255");
        return new ProbePlan(new InetSocketAddress(CLIENT_PORT), List.of(new InetSocketAddress(broadcastAll(),
                SERVER_PORT)), mac, null, vendorClass == null ? AlePhones.VENDOR_CLASS : vendorClass, timeout, false,
                notes, name);
    }

    /** The plan for an interface without any address, from what the kernel says of it in /sys/class/net. */
    private static ProbePlan addressless(String name, Duration timeout, String vendorClass, boolean inform) {
        Path link = SYS_NET.resolve(name);
        if (!name.matches("[A-Za-z0-9_.:@-]{1,15}") || !Files.isDirectory(link)) {
            throw new ProbeException("no network interface '" + name + "' (ip link lists them)");
        }
        int flags;
        byte[] mac;
        try {
            flags = Integer.decode(Files.readString(link.resolve("flags")).strip());
            String address = Files.readString(link.resolve("address")).strip();
            mac = address.matches("([0-9a-f]{2}:){5}[0-9a-f]{2}") ? java.util.HexFormat.ofDelimiter(":")
                    .parseHex(address) : null;
        } catch (IOException | NumberFormatException e) {
            throw new ProbeException("cannot read interface " + name + ": " + e.getMessage());
        }
        if ((flags & IFF_UP) == 0) {
            throw new ProbeException("interface " + name + " is down (ip link set " + name + " up)");
        }
        if ((flags & IFF_LOOPBACK) != 0) {
            throw new ProbeException("interface " + name + " is a loopback; no DHCP server answers there");
        }
        if (mac == null) {
            throw new ProbeException("interface " + name + " has no Ethernet address; DHCP needs one");
        }
        if (!isRoot()) {
            throw new ProbeException("the probe needs root: it binds UDP port 68 and broadcasts (run it with "
                    + "sudo)");
        }
        if (inform) {
            throw new ProbeException("--inform needs an IPv4 address on " + name
                    + " (a DHCPINFORM asks about an address the client already has)");
        }
        return onDevice(name, mac, timeout, vendorClass);
    }

    /**
     * The subnet's broadcast address, from the prefix rather than the interface's broadcast setting,
     * which {@code ip addr add} leaves unset unless told {@code brd +}. None for /31 and /32.
     */
    static Optional<InetAddress> subnetBroadcast(Inet4Address address, int prefix) {
        if (prefix < 1 || prefix > 30) {
            return Optional.empty();
        }
        int host = (1 << (32 - prefix)) - 1;
        int broadcast = java.nio.ByteBuffer.wrap(address.getAddress()).getInt() | host;
        try {
            return Optional.of(InetAddress.getByAddress(java.nio.ByteBuffer.allocate(4).putInt(broadcast).array()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress broadcastAll() {
        try {
            return InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hardwareAddress(NetworkInterface device, String name) {
        try {
            byte[] mac = device.getHardwareAddress();
            if (mac == null || mac.length != 6) {
                throw new ProbeException("interface " + name + " has no Ethernet address; DHCP needs one");
            }
            return mac;
        } catch (SocketException e) {
            throw new ProbeException("cannot read the address of " + name + ": " + e.getMessage());
        }
    }

    /** The effective user id from the kernel's view of this process. */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).strip().split("\\s+");
                    return ids.length > 1 && ids[1].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
