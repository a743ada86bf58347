package io.hub.dhcp.probe;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's main IPv4 routing table ({@code /proc/net/route}), read to find which interface the
 * limited broadcast 255.255.255.255 leaves by: Java cannot bind a socket to a device, so the probe
 * sends there only when the routes take it out of the interface it was asked to probe.
 */
final class RouteTable {

    private static final int RTF_UP = 0x1;

    private record Route(String device, int destination, int mask, int metric) {
    }

    private final List<Route> routes;

    private RouteTable(List<Route> routes) {
        this.routes = routes;
    }

    /** The table in {@code file}; an unreadable or odd file is an empty table (nothing is routed). */
    static RouteTable read(Path file) {
        List<Route> routes = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return new RouteTable(routes);
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 8) {
                continue;
            }
            try {
                int flags = Integer.parseInt(fields[3], 16);
                if ((flags & RTF_UP) == 0) {
                    continue;
                }
                routes.add(new Route(fields[0], address(fields[1]), address(fields[7]), Integer.parseInt(fields[6])));
            } catch (NumberFormatException e) {
                // A line the kernel did not write; skipped.
            }
        }
        return new RouteTable(routes);
    }

    /** The device the most specific route for {@code address} (network byte order) goes out by. */
    Optional<String> deviceFor(int address) {
        Route best = null;
        for (Route route : routes) {
            if ((address & route.mask) != (route.destination & route.mask)) {
                continue;
            }
            if (best == null || Integer.bitCount(route.mask) > Integer.bitCount(best.mask)
                    || (Integer.bitCount(route.mask) == Integer.bitCount(best.mask) && route.metric < best.metric)) {
                best = route;
            }
        }
        return Optional.ofNullable(best).map(Route::device);
    }

    /** The kernel prints addresses as the host-order view of network-order bytes. */
    private static int address(String hex) {
        int value = (int) Long.parseLong(hex, 16);
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(value) : value;
    }
}
