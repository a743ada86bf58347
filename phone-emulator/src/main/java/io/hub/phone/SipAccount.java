package io.hub.phone;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where and as whom a phone registers.
 *
 * @param registrar the address to connect to
 * @param serverName the name the registrar's certificate must carry
 * @param authUser the digest user name
 * @param keepaliveSeconds seconds between CRLF keepalives (a Flow-Timer in the 200 wins)
 * @param expires the registration lifetime asked for
 * @param fallback the region's second entry point, tried when the registrar cannot be reached
 */
public record SipAccount(InetSocketAddress registrar, String serverName, String domain, String user, String authUser,
        String password, int keepaliveSeconds, int expires, Optional<EntryPoint> fallback) {

    /** A registrar with no second entry point. */
    public SipAccount(InetSocketAddress registrar, String serverName, String domain, String user, String authUser,
            String password, int keepaliveSeconds, int expires) {
        this(registrar, serverName, domain, user, authUser, password, keepaliveSeconds, expires, Optional.empty());
    }

    /** One place a phone can register: the address and the name its certificate must carry. */
    public record EntryPoint(InetSocketAddress address, String serverName) {
        @Override
        public String toString() {
            return serverName + " (" + address.getHostString() + ":" + address.getPort() + ")";
        }
    }

    public String aor() {
        return "sip:" + user + "@" + domain;
    }

    /** Where the phone tries first. */
    public EntryPoint primary() {
        return new EntryPoint(registrar, serverName);
    }

    /**
     * The entry point of the {@code attempt}-th try in a row (0 first): the registrar, then the
     * fallback and back, as phones with a "server 2" alternate while neither answers.
     */
    public EntryPoint entryPoint(int attempt) {
        return fallback.isPresent() && attempt % 2 == 1 ? fallback.get() : primary();
    }
}
