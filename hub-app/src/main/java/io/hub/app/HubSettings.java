package io.hub.app;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hub.relay.RelayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;

/**
 * Everything an operator can set, with the defaults of SPEC §3. Read from {@code HOME/hub.yaml}
 * (or {@code --config FILE}); flags of {@code hub start} override the file. Unknown keys are refused,
 * so a misspelt setting is never silently ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class HubSettings {

    public String bind = "0.0.0.0";
    /** The address put in SDP and URLs; defaults to the first server name that is not a loopback. */
    public String publicAddress;
    /** Extra DNS names and addresses the server certificate covers, beside the loopback ones. */
    public List<String> serverNames = new ArrayList<>();
    public int httpsPort = 8443;
    public String adminBind = "127.0.0.1";
    public int adminPort = 9443;
    public int sipTlsPort = 5061;
    /** The web port: SIP over secure WebSocket for softphones ({@code wss://HOST:WEBPORT/sip}). */
    public int webPort = 8444;
    /** Open web port connections from one IPv4 address or IPv6 /64; the next is closed at once. */
    public int webConnectionsPerSource = 100;
    /** Open web port connections in all; the next is closed at once. */
    public int webMaxConnections = 10_000;
    /** Seconds a web port connection has from its accept to finish TLS and the WebSocket upgrade. */
    public int webHandshakeTimeoutSeconds = 10;
    /** Seconds a web port connection has from its accept until a phone registers on its WebSocket. */
    public int webRegisterDeadlineSeconds = 60;
    /** Plain SIP over TCP for testers and SIPp (no TLS); null means off. */
    public Integer sipPlainPort;
    /**
     * TURN servers the softphone page hands browsers ({@code turn:HOST:3478?transport=udp},
     * {@code turn:HOST:3478?transport=tcp}, {@code turns:HOST:443?transport=tcp}); empty: none.
     */
    public List<String> turnUris = new ArrayList<>();
    /** coturn's {@code static-auth-secret} ({@code use-auth-secret}): the hub issues credentials with it. */
    public String turnSecret;
    public String relayPorts = "30000-44999";
    /** I/O threads of the relay, each carrying whole sessions; 0 means one per core. */
    public int relayIoThreads = 0;
    /**
     * {@code termination}: the relay gives each phone its own SRTP key and re-encrypts between
     * them; {@code passthrough}: the caller's key goes end to end and SRTP is forwarded untouched.
     */
    public String relayMode = "termination";
    /** Seconds a call's media may stop before the hub ends the call (longer while on hold). */
    public int mediaTimeoutSeconds = 60;
    /**
     * Where the hub keeps its tables: null means the embedded H2 file under the home (one node);
     * {@code jdbc:postgresql://HOST:PORT/DB?user=USER&password=PASSWORD} a PostgreSQL database
     * (several nodes share one). A {@code jdbc:h2:} URL is accepted too.
     */
    public String databaseUrl;
    /**
     * This node's name in the node table of the shared database (GET /admin/v1/nodes); null means
     * the host name. Nodes of one cluster need distinct names.
     */
    public String nodeName;
    /**
     * In a cluster: the host (name or address) the other nodes reach this node's SIP-TLS port at, for
     * calls to the phones whose flows this node holds. Null means the bind address when it is not a
     * wildcard, else publicAddress, else the node name.
     */
    public String nodeAddress;
    /**
     * In a cluster (PostgreSQL): the names phones and nodes reach the region by (its DNS SRV target and
     * entry names, e.g. eu1.sip.example.com), which every node's server certificate covers beside its
     * own nodeName, the other nodes' names and the sipEntryPoints.
     */
    public List<String> clusterNames = new ArrayList<>();
    /** Connections the hub's pool holds at most. */
    public int databasePoolSize = io.hub.app.storage.HubDatabase.DEFAULT_POOL_SIZE;
    /** Idle connections the pool keeps ready; null means databasePoolSize (a fixed pool). */
    public Integer databasePoolMinIdle;
    /** Key type of new CAs and server certificates: {@code ec} (P-256) or {@code rsa} (3072). */
    public String keyType = "ec";
    /**
     * Seconds between a phone's keepalives: written into every configuration and announced as the
     * RFC 5626 Flow-Timer; a flow silent for this plus 20 s is closed.
     */
    public int sipKeepaliveSeconds = 30;
    /**
     * Device-side requests per second allowed from one source address (a burst of 2.5 times this
     * passes); a NAT of phones shares one budget. Refusals are limited separately, much lower.
     */
    public int deviceRequestsPerSecond = 200;
    /** Check-sync NOTIFYs sent per second when a change reaches many phones. */
    public int resyncPerSecond = 50;
    /** How long a phone has to answer a check-sync NOTIFY before it counts as a timeout. */
    public int resyncTimeoutSeconds = 32;
    /**
     * SIP connections no phone has registered on that one IPv4 address or IPv6 /64 may hold; one
     * more makes the oldest give way. Registered phones are never counted (a NAT of phones is fine).
     */
    public int sipUnregisteredPerSource = 50;
    /** Seconds a SIP connection may stay open without a phone registering on it; pings do not extend it. */
    public int sipRegisterDeadlineSeconds = 60;
    /** Authenticated REGISTERs one AOR may make per second; more are answered 503 with Retry-After. */
    public int sipRegistersPerAorPerSecond = 5;
    /**
     * Requests per 2 s one registered phone's SIP flow may send (it is not counted against its
     * address); beyond it 503 with Retry-After, unparsed, and at four times it the flow is closed.
     */
    public int sipFlowRequestsPer2Seconds = 200;
    /**
     * SIP connections (TLS and plain) open at once; the next is closed as it arrives. A held phone
     * costs about one connection, so this is the most phones one hub holds.
     */
    public int sipMaxConnections = io.hub.sip.transport.SipServer.Limits.DEFAULT_MAX_CONNECTIONS;
    /**
     * The TLS implementation of the device and admin HTTPS ports: {@code tcnative} (BoringSSL through
     * netty-tcnative, a native library; where it does not load, the JDK's runs and the log says so),
     * {@code conscrypt} (the same BoringSSL through Conscrypt, three descriptors a connection) or
     * {@code jdk}.
     */
    public String tlsProvider = "tcnative";
    /**
     * The TLS implementation of SIP over TLS, the same names as {@link #tlsProvider}. Phones are held
     * by the ten thousand under the process's open-file limit: Conscrypt 2.5 opens a pipe (two
     * descriptors) beside every connection's socket, netty-tcnative does not. On the JDK's, the SIP
     * loops hand a handshake's key exchange to a pool as JSSE tasks at several times the CPU.
     */
    public String sipTlsProvider = "tcnative";
    /** The largest firmware image an upload may store, in bytes; larger is refused 413 too-large. */
    public long firmwareMaxBytes = io.hub.provisioning.FirmwareLimits.DEFAULT_MAX_BYTES;
    /** What one tenant's firmware images may take together, in bytes; beyond it 507 firmware-quota. */
    public long firmwareQuotaBytes = io.hub.provisioning.FirmwareLimits.DEFAULT_QUOTA_BYTES;
    /** Days audit rows are kept; older ones are purged while the hub runs. */
    public int auditRetentionDays = 90;
    /** Days the status history (reports and other contacts of each phone) is kept. */
    public int statusRetentionDays = 30;
    /**
     * Seconds a connection to either HTTPS port has, from opening or from its last answer, to complete
     * the next request's headers; a client sending them a byte at a time is closed when they run out.
     */
    public int httpHeaderTimeoutSeconds = 10;
    /** Seconds an HTTPS connection may stay silent while reading a body or writing an answer. */
    public int httpIdleTimeoutSeconds = 30;
    /** Open connections per HTTPS port from one IPv4 address or IPv6 /64; one beyond is closed at once. */
    public int httpConnectionsPerSource = 64;
    /** Open connections per HTTPS port in all; beyond, the port stops accepting until one closes. */
    public int httpMaxConnections = 5_000;
    /**
     * TLS handshakes under way per HTTPS port; a connection opened beyond them is closed before any
     * TLS work, so that the phones admitted wait less. 0 (the default) for no cap: a cap does not
     * make a boot storm take less work, and on 2 cores it made one end later.
     */
    public int httpHandshakesInFlight;
    /**
     * The SIP domain of the default tenant's phones (other tenants have their own); null means
     * publicAddress, else the first non-loopback name of the server certificate, else localhost.
     */
    public String sipDomain;
    /**
     * {@code wanted}: phones are asked for their certificate on SIP-TLS and one they present must be
     * valid and their own; {@code required}: a REGISTER without one is refused. A tenant may set its
     * own (null there follows this one).
     */
    public String sipClientCertificate = "wanted";
    /** SIP entry point host per region (eu1, latam1, apac1, na1); a missing region uses publicAddress. */
    public Map<String, String> sipEntryPoints = new LinkedHashMap<>();
    /** The global layer of every phone's configuration, by setting key (ntp.server, locale.timezone …). */
    public Map<String, String> deviceDefaults = new LinkedHashMap<>();

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The settings in {@code file}, or the defaults when {@code file} does not exist and was not named
     * explicitly.
     *
     * @throws UserError when the file cannot be read, is not YAML, or has an unknown or ill-typed key
     */
    public static HubSettings load(Path file, boolean required) {
        if (!Files.exists(file)) {
            if (required) {
                throw new UserError("configuration file " + file + " does not exist");
            }
            return new HubSettings();
        }
        try {
            HubSettings settings = YAML.readValue(file.toFile(), HubSettings.class);
            return settings == null ? new HubSettings() : settings;
        } catch (UnrecognizedPropertyException e) {
            throw new UserError(file + ": unknown setting '" + e.getPropertyName() + "' at line "
                    + e.getLocation().getLineNr() + "; known: " + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            throw new UserError(file + ": " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr());
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * The TURN credentials the softphone page hands out, when {@code turnUris} names servers.
     *
     * @throws UserError when TURN URIs come without a secret, a secret without URIs, or a URI is not turn:/turns:
     */
    public java.util.Optional<io.hub.app.web.TurnCredentials> turn(java.time.Clock clock) {
        boolean secret = turnSecret != null && !turnSecret.isEmpty();
        if (turnUris.isEmpty() && !secret) {
            return java.util.Optional.empty();
        }
        if (turnUris.isEmpty() || !secret) {
            throw new UserError("turnUris and turnSecret go together: the hub issues credentials for those servers "
                    + "with that secret (coturn's static-auth-secret)");
        }
        try {
            return java.util.Optional.of(new io.hub.app.web.TurnCredentials(turnUris, turnSecret, clock));
        } catch (IllegalArgumentException e) {
            throw new UserError("turnUris: " + io.hub.pki.log.LogText.of(e.getMessage()));
        }
    }

    /**
     * Checks every value and throws a {@link UserError} naming the first bad one.
     */
    public HubSettings validate() {
        checkPort("httpsPort", httpsPort);
        checkPort("adminPort", adminPort);
        checkPort("sipTlsPort", sipTlsPort);
        checkPort("webPort", webPort);
        if (sipPlainPort != null) {
            checkPort("sipPlainPort", sipPlainPort);
        }
        relayPortRange();
        relayModeParsed();
        turn(java.time.Clock.systemUTC());
        if (mediaTimeoutSeconds < 5 || mediaTimeoutSeconds > 3600) {
            throw new UserError("mediaTimeoutSeconds " + mediaTimeoutSeconds + " is not from 5 to 3600");
        }
        keyTypeParsed();
        databasePool();
        nodeNameResolved();
        if (nodeAddress != null && !nodeAddress.matches("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}")) {
            throw new UserError("nodeAddress: '" + io.hub.pki.log.LogText.of(nodeAddress)
                    + "' is not a DNS name or an IP address");
        }
        for (String name : clusterNames) {
            if (name == null || !name.matches("[A-Za-z0-9*][A-Za-z0-9.:*-]{0,252}")) {
                throw new UserError("clusterNames: '" + io.hub.pki.log.LogText.of(String.valueOf(name))
                        + "' is not a DNS name or an IP address");
            }
        }
        if (databaseUrl != null && !databaseUrl.startsWith("jdbc:postgresql://") && !databaseUrl.startsWith("jdbc:h2:")) {
            throw new UserError("databaseUrl '" + io.hub.app.storage.HubDatabase.redacted(databaseUrl) + "' is not "
                    + "jdbc:postgresql://HOST:PORT/DB?user=USER&password=PASSWORD (or jdbc:h2:...); leave it out for "
                    + "the embedded database");
        }
        if (resyncPerSecond < 1 || resyncPerSecond > 10_000) {
            throw new UserError("resyncPerSecond " + resyncPerSecond + " is not from 1 to 10000");
        }
        if (resyncTimeoutSeconds < 1 || resyncTimeoutSeconds > 300) {
            throw new UserError("resyncTimeoutSeconds " + resyncTimeoutSeconds + " is not from 1 to 300");
        }
        if (deviceRequestsPerSecond < 1) {
            throw new UserError("deviceRequestsPerSecond must be at least 1, not " + deviceRequestsPerSecond);
        }
        if (sipUnregisteredPerSource < 1) {
            throw new UserError("sipUnregisteredPerSource must be at least 1, not " + sipUnregisteredPerSource);
        }
        if (sipRegisterDeadlineSeconds < 5 || sipRegisterDeadlineSeconds > 3600) {
            throw new UserError("sipRegisterDeadlineSeconds " + sipRegisterDeadlineSeconds + " is not from 5 to 3600");
        }
        webLimits();
        try {
            RelayConfig.checkIoThreads(relayIoThreads);
        } catch (IllegalArgumentException e) {
            throw new UserError("relayIoThreads: " + e.getMessage());
        }
        if (sipRegistersPerAorPerSecond < 1 || sipRegistersPerAorPerSecond > 1000) {
            throw new UserError("sipRegistersPerAorPerSecond " + sipRegistersPerAorPerSecond + " is not from 1 to 1000");
        }
        tls();
        sipTls();
        if (sipMaxConnections < 100 || sipMaxConnections > 1_000_000) {
            throw new UserError("sipMaxConnections " + sipMaxConnections + " is not from 100 to 1000000");
        }
        if (sipFlowRequestsPer2Seconds < 10 || sipFlowRequestsPer2Seconds > 100_000) {
            throw new UserError("sipFlowRequestsPer2Seconds " + sipFlowRequestsPer2Seconds
                    + " is not from 10 to 100000");
        }
        if (firmwareMaxBytes < 1 || firmwareQuotaBytes < firmwareMaxBytes) {
            throw new UserError("firmwareMaxBytes must be at least 1 and firmwareQuotaBytes at least firmwareMaxBytes, not "
                    + firmwareMaxBytes + " and " + firmwareQuotaBytes);
        }
        if (auditRetentionDays < 1 || auditRetentionDays > 36_500) {
            throw new UserError("auditRetentionDays " + auditRetentionDays + " is not from 1 to 36500");
        }
        if (statusRetentionDays < 1 || statusRetentionDays > 36_500) {
            throw new UserError("statusRetentionDays " + statusRetentionDays + " is not from 1 to 36500");
        }
        httpLimits();
        if (sipKeepaliveSeconds < 5 || sipKeepaliveSeconds > 3600) {
            throw new UserError("sipKeepaliveSeconds " + sipKeepaliveSeconds + " is not from 5 to 3600");
        }
        if (!io.hub.provisioning.Phones.SIP_CLIENT_CERTIFICATE.contains(sipClientCertificate)) {
            throw new UserError("sipClientCertificate '" + sipClientCertificate + "' is not wanted or required");
        }
        for (String region : sipEntryPoints.keySet()) {
            if (!List.of("eu1", "latam1", "apac1", "na1").contains(region)) {
                throw new UserError("sipEntryPoints: unknown region '" + region + "'; expected eu1, latam1, apac1, na1");
            }
        }
        if (deviceDefaults.containsKey("sip.keepalive.interval")) {
            throw new UserError("deviceDefaults: sip.keepalive.interval is the registrar's Flow-Timer; set "
                    + "sipKeepaliveSeconds instead");
        }
        deviceDefaults.forEach((key, value) -> {
            io.hub.profiles.Setting setting = io.hub.profiles.Setting.forKey(key).orElseThrow(() -> new UserError(
                    "deviceDefaults: unknown setting '" + key + "'; known: " + new java.util.TreeSet<>(
                            io.hub.profiles.Setting.keys())));
            try {
                setting.check(value);
            } catch (IllegalArgumentException e) {
                throw new UserError("deviceDefaults: " + e.getMessage());
            }
        });
        return this;
    }

    /** The host other nodes reach this node's SIP-TLS port at: see {@link #nodeAddress}. */
    public String nodeAddressResolved() {
        if (nodeAddress != null) {
            return nodeAddress;
        }
        if (!bind.equals("0.0.0.0") && !bind.equals("::") && !bind.equals("[::]")) {
            return bind;
        }
        return publicAddress != null ? publicAddress : nodeNameResolved();
    }

    /**
     * This node's name: {@link #nodeName}, else the host name (its first label when longer than 63
     * characters), else {@code hub}.
     */
    public String nodeNameResolved() {
        String host = java.util.Objects.requireNonNullElse(localHostName(), "hub");
        String name = nodeName != null ? nodeName : host.length() <= 63 ? host : host.split("\\.")[0];
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
            throw new UserError("nodeName '" + io.hub.pki.log.LogText.of(name) + "' is not 1 to 63 letters, digits, "
                    + "dots and dashes starting with a letter or digit");
        }
        return name;
    }

    /**
     * The names every node of the cluster covers in its server certificate, with this node's own:
     * {@link #clusterNames}, the {@link #sipEntryPoints} hosts and {@link #nodeNameResolved}.
     */
    public List<String> sharedClusterNames() {
        List<String> names = new ArrayList<>(clusterNames);
        names.addAll(sipEntryPoints.values());
        names.add(nodeNameResolved());
        return names.stream().map(name -> name.toLowerCase(Locale.ROOT)).distinct().toList();
    }

    /** The pool's sizes. */
    public io.hub.app.storage.HubDatabase.PoolSize databasePool() {
        try {
            return new io.hub.app.storage.HubDatabase.PoolSize(databasePoolSize,
                    databasePoolMinIdle == null ? databasePoolSize : databasePoolMinIdle);
        } catch (IllegalArgumentException e) {
            throw new UserError("databasePoolSize and databasePoolMinIdle: " + e.getMessage());
        }
    }

    public io.hub.relay.RelayMode relayModeParsed() {
        return switch (relayMode == null ? "" : relayMode.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "termination" -> io.hub.relay.RelayMode.TERMINATION;
            case "passthrough" -> io.hub.relay.RelayMode.PASSTHROUGH;
            default -> throw new UserError("relayMode '" + relayMode + "' is not termination or passthrough");
        };
    }

    public io.hub.pki.KeyType keyTypeParsed() {
        try {
            return io.hub.pki.KeyType.fromOption(keyType);
        } catch (IllegalArgumentException e) {
            throw new UserError("keyType: " + e.getMessage());
        }
    }

    /** The relay range as {@code [min, max]}: an even start, so RTP/RTCP pairs line up. */
    public int[] relayPortRange() {
        String text = relayPorts == null ? "" : relayPorts.strip();
        String[] parts = text.split("-", -1);
        try {
            if (parts.length == 2) {
                int min = Integer.parseInt(parts[0].strip());
                int max = Integer.parseInt(parts[1].strip());
                if (min >= 1024 && max <= 65535 && min < max && min % 2 == 0) {
                    return new int[] {min, max};
                }
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted form.
        }
        throw new UserError("relayPorts '" + relayPorts + "' is not a range MIN-MAX with an even MIN, "
                + "1024 <= MIN < MAX <= 65535");
    }

    /** The names the hub's server certificate covers: loopback, this host, and the configured ones. */
    public List<String> certificateNames() {
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        String host = localHostName();
        if (host != null) {
            names.add(host.toLowerCase(Locale.ROOT));
        }
        names.addAll(serverNames);
        if (publicAddress != null) {
            names.add(publicAddress);
        }
        if (!"0.0.0.0".equals(bind) && !"::".equals(bind)) {
            names.add(bind);
        }
        return names.stream().distinct().toList();
    }

    private static String localHostName() {
        // The kernel's name, not a DNS lookup: starting must not depend on the network.
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            return name.matches("[A-Za-z0-9][A-Za-z0-9.-]*") ? name : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new UserError(name + " " + port + " is not a port (0-65535; 0 picks a free one)");
        }
    }

    /** The web port's connection caps and deadlines. */
    io.hub.sip.WebPortLimits webLimits() {
        if (webHandshakeTimeoutSeconds < 1 || webHandshakeTimeoutSeconds > 300) {
            throw new UserError("webHandshakeTimeoutSeconds " + webHandshakeTimeoutSeconds + " is not from 1 to 300");
        }
        if (webRegisterDeadlineSeconds < webHandshakeTimeoutSeconds || webRegisterDeadlineSeconds > 3600) {
            throw new UserError("webRegisterDeadlineSeconds " + webRegisterDeadlineSeconds
                    + " is not from webHandshakeTimeoutSeconds to 3600");
        }
        try {
            return new io.hub.sip.WebPortLimits(webConnectionsPerSource, webMaxConnections,
                    java.time.Duration.ofSeconds(webHandshakeTimeoutSeconds),
                    java.time.Duration.ofSeconds(webRegisterDeadlineSeconds));
        } catch (IllegalArgumentException e) {
            throw new UserError("webConnectionsPerSource and webMaxConnections: " + e.getMessage());
        }
    }

    /** The TLS provider {@link #tlsProvider} names. */
    io.hub.pki.TlsProvider tls() {
        return provider("tlsProvider", tlsProvider);
    }

    /** The TLS provider {@link #sipTlsProvider} names. */
    io.hub.pki.TlsProvider sipTls() {
        return provider("sipTlsProvider", sipTlsProvider);
    }

    private static io.hub.pki.TlsProvider provider(String setting, String name) {
        try {
            return io.hub.pki.TlsProvider.named(name);
        } catch (IllegalArgumentException e) {
            throw new UserError(setting + ": " + e.getMessage());
        }
    }

    /** The HTTPS ports' deadlines and connection caps. */
    io.hub.provisioning.HttpLimits httpLimits() {
        if (httpHeaderTimeoutSeconds < 1 || httpIdleTimeoutSeconds < 1) {
            throw new UserError("httpHeaderTimeoutSeconds and httpIdleTimeoutSeconds must be at least 1");
        }
        try {
            return new io.hub.provisioning.HttpLimits(java.time.Duration.ofSeconds(httpHeaderTimeoutSeconds),
                    java.time.Duration.ofSeconds(httpIdleTimeoutSeconds), httpConnectionsPerSource, httpMaxConnections,
                    httpHandshakesInFlight);
        } catch (IllegalArgumentException e) {
            throw new UserError("httpConnectionsPerSource, httpMaxConnections and httpHandshakesInFlight: "
                    + e.getMessage());
        }
    }
}
