package io.hub.app;

import io.hub.pki.TlsProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the process may open as many files as the settings' connection caps can take: a connection
 * past the open-file limit is refused by the system, not by the hub's own caps and their counters.
 * A connection is one descriptor on the JDK's TLS and netty-tcnative's, and three on Conscrypt 2.5,
 * which keeps a pipe beside every socket.
 */
final class OpenFileBudget {

    private OpenFileBudget() {
    }

    /** Descriptors one TLS connection holds on {@code provider}. */
    static int perConnection(TlsProvider provider) {
        return provider == TlsProvider.CONSCRYPT ? 3 : 1;
    }

    /** What the caps can take: both HTTPS ports, SIP over TLS and the web port, each at its cap. */
    static long needed(HubSettings settings, TlsProvider https, TlsProvider sip) {
        return 2L * settings.httpMaxConnections * perConnection(https)
                + (long) settings.sipMaxConnections * perConnection(sip) + settings.webMaxConnections;
    }

    /** The line to warn with when {@code limit} (negative: unknown) is below what the caps can take. */
    static Optional<String> warning(long limit, HubSettings settings, TlsProvider https, TlsProvider sip) {
        long needed = needed(settings, https, sip);
        if (limit < 0 || limit >= needed) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "open files: this process may open %d, the connection caps "
                + "can take %d (sipMaxConnections %d at %d each on %s, httpMaxConnections %d on each of two ports at "
                + "%d each on %s, webMaxConnections %d): connections past the limit are refused by the system; "
                + "raise the limit (ulimit -n, LimitNOFILE) or lower the caps", limit, needed,
                settings.sipMaxConnections, perConnection(sip), name(sip), settings.httpMaxConnections,
                perConnection(https), name(https), settings.webMaxConnections));
    }

    /** This process's open-file limit, or -1 where the platform does not tell. */
    static long processLimit() {
        OperatingSystemMXBean system = ManagementFactory.getOperatingSystemMXBean();
        return system instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }

    private static String name(TlsProvider provider) {
        return provider.name().toLowerCase(Locale.ROOT);
    }
}
