package io.hub.provisioning.http;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.server.Request;

/**
 * The key per-source limits count by: an IPv4 address, or the /64 of an IPv6 address. One IPv6
 * host is handed a whole /64, so keying by the full address would give it 2^64 budgets.
 */
public final class SourceKey {

    private SourceKey() {
    }

    /** The key of {@code address}: {@code 192.0.2.7}, or {@code 2001:db8:1:2::/64}. */
    public static String of(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        StringBuilder key = new StringBuilder(24);
        for (int group = 0; group < 4; group++) {
            int value = ((bytes[group * 2] & 0xff) << 8) | (bytes[group * 2 + 1] & 0xff);
            key.append(Integer.toHexString(value)).append(':');
        }
        return key.append(":/64").toString();
    }

    /** The key of a socket address; an address that is not an IP one keys by its text. */
    public static String of(SocketAddress remote) {
        if (remote instanceof InetSocketAddress socket && socket.getAddress() != null) {
            return of(socket.getAddress());
        }
        return String.valueOf(remote);
    }

    /**
     * The key of an address written as an IP literal (as {@link Responses#sourceIp} gives it); text
     * that is not an IP literal is its own key. Never resolves a name.
     */
    public static String ofLiteral(String literal) {
        if (literal == null || literal.isEmpty() || !literal.matches("[0-9A-Fa-f:.%a-zA-Z]+")
                || (literal.indexOf(':') < 0 && !literal.matches("[0-9.]+"))) {
            return String.valueOf(literal);
        }
        try {
            return of(InetAddress.getByName(literal));
        } catch (java.net.UnknownHostException e) {
            return literal;
        }
    }

    /** The key of the peer a request came from. */
    public static String of(Request request) {
        return of(request.getConnectionMetaData().getRemoteSocketAddress());
    }
}
