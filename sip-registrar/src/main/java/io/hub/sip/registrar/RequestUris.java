package io.hub.sip.registrar;

import gov.nist.javax.sip.parser.StringMsgParser;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.text.ParseException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;

/** Whether a URI written in a digest's {@code uri} parameter names the resource a REGISTER was sent to. */
final class RequestUris {

    private RequestUris() {
    }

    /**
     * True when {@code written} designates this registrar for a request with {@code requestUri} that
     * arrived on {@code local}: either it is the Request-URI by RFC 3261 §19.1.4 (case of scheme and
     * host, parameter order and escapes do not matter), or it is a SIP URI without a user naming the
     * very address and port the request arrived on. The second form is what SIPp writes by default
     * ({@code sip:REMOTE_IP:REMOTE_PORT}), and it names the same registrar as the Request-URI does; a
     * digest computed for another server's address or for another user's URI is still refused.
     */
    static boolean designatesRegistrar(String written, URI requestUri, InetSocketAddress local) {
        if (written == null || requestUri == null) {
            return false;
        }
        URI parsed;
        try {
            parsed = new StringMsgParser().parseUrl(written);
        } catch (ParseException e) {
            return false;
        }
        return parsed.equals(requestUri) || namesAddress(parsed, local);
    }

    private static boolean namesAddress(URI uri, InetSocketAddress local) {
        if (local == null || !(uri instanceof SipURI sip) || sip.getUser() != null || sip.getPort() != local.getPort()) {
            return false;
        }
        InetAddress address = local.getAddress();
        String host = sip.getHost();
        if (address == null || host == null) {
            return false;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return isAddressLiteral(literal) && literalEquals(literal, address);
    }

    /** Only literals are compared, so that no name is ever looked up while a request is judged. */
    private static boolean isAddressLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static boolean literalEquals(String literal, InetAddress address) {
        try {
            return InetAddress.getByName(literal).equals(address);
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
