package io.hub.app.relay;

import io.hub.app.Foreground;
import io.hub.app.UserError;
import io.hub.relay.RelayConfig;
import io.hub.relay.NgRelay;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hub relay}: the SRTP relay alone, controlled over rtpengine's ng protocol, so a SIP proxy
 * that drives rtpengine (or the relay benchmark) can drive the hub's relay the same way. No home,
 * PKI or database: it serves until SIGTERM, then releases every call.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = {"Run the SRTP relay alone, controlled like rtpengine over the ng protocol (bencode over UDP):",
                "ping, offer, answer, delete, query. SRTP is terminated per leg with the hub's own keys, or",
                "forwarded untouched when an offer asks SDES=nonew. A WebRTC offer (UDP/TLS/RTP/SAVPF with",
                "a=fingerprint) gets a DTLS-SRTP leg with ICE-lite, bridged to SDES toward the other phone.",
                "Serves until SIGTERM."})
public final class RelayCommand implements Callable<Integer> {

    @Option(names = "--ng", paramLabel = "ADDRESS:PORT", defaultValue = "127.0.0.1:2223",
            description = "UDP address of the ng control socket; it has no authentication (default ${DEFAULT-VALUE}).")
    String ng;
    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address the relay ports bind to (default ${DEFAULT-VALUE}).")
    String bind;
    @Option(names = "--public-address", paramLabel = "ADDRESS",
            description = "Address written into SDP for phones to send media to "
                    + "(default: --bind, or this host's first non-loopback IPv4 address when it is a wildcard).")
    String publicAddress;
    @Option(names = "--relay-ports", paramLabel = "MIN-MAX", defaultValue = "30000-44999",
            description = "UDP range for the relay (default ${DEFAULT-VALUE}).")
    String relayPorts;
    @Option(names = "--dead-stream-seconds", paramLabel = "SECONDS", defaultValue = "60",
            description = "A call whose leg sends nothing this long is deleted (default ${DEFAULT-VALUE}).")
    int deadStreamSeconds;
    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "0",
            description = "I/O threads, each carrying whole calls; 0: one per core (default ${DEFAULT-VALUE}).")
    int ioThreads;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        InetAddress media = address("--bind", bind);
        RelayConfig config = relayConfig(media);
        String sdpAddress = publicAddress != null ? address("--public-address", publicAddress).getHostAddress()
                : media.isAnyLocalAddress() ? firstNonLoopbackAddress() : media.getHostAddress();
        Clock clock = Clock.systemUTC();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        DtlsSrtpLegs dtlsLegs = DtlsSrtpLegs.withFreshCertificate(clock, metrics);
        NgRelay relay;
        try {
            relay = new NgRelay(config, control(), sdpAddress, clock, metrics, dtlsLegs);
        } catch (IOException e) {
            dtlsLegs.close();
            throw new UserError("the relay cannot open its sockets: " + e.getMessage());
        }
        relay.start();
        PrintWriter out = spec.commandLine().getOut();
        InetSocketAddress control = relay.controlAddress();
        return Foreground.serve(out, "relay", () -> {
            out.printf("ng control   udp %s:%d%n", control.getAddress().getHostAddress(), control.getPort());
            out.printf("relay ports  udp %s %d-%d, SDP address %s, %d I/O thread(s)%n", media.getHostAddress(),
                    config.minPort(), config.maxPort(), sdpAddress, config.ioThreads());
        }, () -> {
            relay.close();
            dtlsLegs.close();
        });
    }

    private RelayConfig relayConfig(InetAddress media) {
        if (deadStreamSeconds < 1) {
            throw new UserError("--dead-stream-seconds must be at least 1, not " + deadStreamSeconds);
        }
        RelayConfig ranged;
        try {
            ranged = RelayConfig.defaults(media).withPorts(relayPorts)
                    .withDeadStreamTimeout(Duration.ofSeconds(deadStreamSeconds));
        } catch (IllegalArgumentException e) {
            throw new UserError("--relay-ports: " + e.getMessage());
        }
        try {
            return ranged.withIoThreads(ioThreads);
        } catch (IllegalArgumentException e) {
            throw new UserError("--io-threads: " + e.getMessage());
        }
    }

    private InetSocketAddress control() {
        int colon = ng.lastIndexOf(':');
        if (colon <= 0) {
            throw new UserError("--ng must be ADDRESS:PORT, not " + ng);
        }
        try {
            int port = Integer.parseInt(ng.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            String host = ng.substring(0, colon);
            return new InetSocketAddress(address("--ng", host.startsWith("[") ? host.substring(1, host.length() - 1)
                    : host), port);
        } catch (NumberFormatException e) {
            throw new UserError("--ng must be ADDRESS:PORT with a port 0-65535, not " + ng);
        }
    }

    /** An IP literal or a name this host resolves; the relay's own addresses, not a phone's. */
    private static InetAddress address(String option, String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new UserError(option + ": " + text + " is not an address of this host");
        }
    }

    private static String firstNonLoopbackAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            throw new UserError("cannot list this host's addresses (" + e.getMessage() + "); give --public-address");
        }
        throw new UserError("this host has no non-loopback IPv4 address; give --public-address");
    }
}
