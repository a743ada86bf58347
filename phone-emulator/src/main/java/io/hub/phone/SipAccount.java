package io.hub.phone;

import java.net.InetSocketAddress;

/**
 * Where and as whom a phone registers.
 *
 * @param registrar the address to connect to
 * @param serverName the name the registrar's certificate must carry
 * @param authUser the digest user name
 * @param keepaliveSeconds seconds between CRLF keepalives (a Flow-Timer in the 200 wins)
 * @param expires the registration lifetime asked for
 */
public record SipAccount(InetSocketAddress registrar, String serverName, String domain, String user, String authUser,
        String password, int keepaliveSeconds, int expires) {

    public String aor() {
        return "sip:" + user + "@" + domain;
    }
}
