package io.hub.dhcp;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The hub's discovery URL, the one device-management location a DHCP option may name without
 * breaking zero-touch. A value matches it when it names the same host and port over HTTPS, with
 * the discovery path or no path at all (the Rainbow guide's own advice is the bare
 * {@code https://rdd.openrainbow.com}).
 */
public final class DiscoveryUrl {

    public static final String PATH = "/rdd/v1/discovery";

    private final String text;
    private final String host;
    private final int port;

    private DiscoveryUrl(String text, String host, int port) {
        this.text = text;
        this.host = host;
        this.port = port;
    }

    /**
     * @throws IllegalArgumentException when {@code text} is not an absolute https URL with a host
     */
    public static DiscoveryUrl parse(String text) {
        URI uri = uri(text == null ? "" : text.strip());
        if (uri == null || uri.getHost() == null || !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("the discovery URL '" + text + "' is not an https URL with a host");
        }
        return new DiscoveryUrl(text.strip(), uri.getHost().toLowerCase(Locale.ROOT), effectivePort(uri));
    }

    /** {@code https://host:port/rdd/v1/discovery}. */
    public static DiscoveryUrl of(String host, int port) {
        String literal = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return parse("https://" + literal + ":" + port + PATH);
    }

    /** True when a DHCP value names this URL (see the class comment for what counts as the same). */
    public boolean matches(String value) {
        URI uri = uri(value == null ? "" : value.strip());
        if (uri == null || uri.getHost() == null || !"https".equalsIgnoreCase(uri.getScheme())) {
            return false;
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getHost().toLowerCase(Locale.ROOT).equals(host) && effectivePort(uri) == port
                && (path.isEmpty() || path.equals("/") || path.equals(PATH) || path.equals(PATH + "/"));
    }

    @Override
    public String toString() {
        return text;
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() == -1 ? 443 : uri.getPort();
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
