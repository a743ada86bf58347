package io.hub.app;

import io.hub.pki.HubPki;
import io.hub.app.storage.DatabaseFileException;
import io.hub.app.storage.HubDatabase;
import io.hub.app.node.ClusterCertificateNames;
import io.hub.app.node.ClusterMembership;
import io.hub.app.node.ClusterNotices;
import io.hub.pki.ServerCredentials;
import io.hub.pki.ServerTls;
import io.hub.sip.SipService;
import io.hub.relay.RelayConfig;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.hub.provisioning.AuditUpkeep;
import io.hub.provisioning.Provisioning;
import io.hub.provisioning.DeviceEndpointSettings;
import io.hub.provisioning.Phones;
import io.hub.sip.WithdrawReason;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running hub: its home prepared, its PKI in place, and the services of the modules started in
 * order and stopped in reverse. A service this build does not have yet is listed as such, so the
 * start-up text never claims a port that nobody listens on.
 */
public final class Hub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    /** CRLs are valid for a week; re-signing daily keeps phones and peers from ever seeing a stale one. */
    private static final long CRL_REFRESH_HOURS = 24;
    /** How often the hub looks whether its server certificate was renewed (hub pki renew-server). */
    private static final long CERTIFICATE_LOOK_SECONDS = 2;

    private final HubHome home;
    private final HubSettings settings;
    private final io.hub.pki.TlsProvider tlsProvider;
    private final io.hub.pki.TlsProvider sipTlsProvider;
    private final HubPki pki;
    private final List<AutoCloseable> services = new ArrayList<>();
    private io.hub.app.web.WebPort web;
    /** The registry {@code /metrics} serves; every module registers its meters in it. */
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Provisioning provisioning;
    private SipService sip;
    private AuditUpkeep auditUpkeep;
    private NodeHeartbeat heartbeat;
    private ClusterNotices notices;
    private ServerCertificateFollow certificateFollow;
    private boolean closed;

    private Hub(HubHome home, HubSettings settings, HubPki pki) {
        this.home = home;
        this.settings = settings;
        this.tlsProvider = available("tlsProvider", settings.tls());
        this.sipTlsProvider = available("sipTlsProvider", settings.sipTls());
        this.pki = pki;
    }

    /**
     * Creates what is missing in the home (directories, PKI, admin token), never overwriting, and
     * starts the services.
     *
     * @throws UserError when the home cannot be written or another hub runs on it, the PKI on disk
     *     is inconsistent or a port cannot be bound
     */
    public static Hub start(HubHome home, HubSettings settings, Clock clock) {
        home.create();
        HomeLock lock = HomeLock.acquire(home.root());
        try {
            return start(home, settings, clock, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Starts on a home this process has locked; the lock is released last when the hub closes. */
    private static Hub start(HubHome home, HubSettings settings, Clock clock, HomeLock lock) {
        HubPki pki = home.pki(clock);
        HubPki.InitReport report = pki.init(settings.keyTypeParsed(), settings.certificateNames());
        report.warnings().forEach(warning -> LOG.warn("pki: {}", warning));
        if (home.ensureAdminToken()) {
            LOG.info("created admin token in {}", home.adminTokenFile());
        }
        Hub hub = new Hub(home, settings, pki);
        hub.services.add(lock);
        try {
            hub.startServices(clock);
        } catch (RuntimeException e) {
            hub.close();
            throw e;
        }
        OpenFileBudget.warning(OpenFileBudget.processLimit(), settings, hub.tlsProvider, hub.sipTlsProvider)
                .ifPresent(LOG::warn);
        LOG.info("hub started home={}", home.root());
        return hub;
    }

    private void startServices(Clock clock) {
        ScheduledExecutorService crlRefresh = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "hub-crl-refresh");
            thread.setDaemon(true);
            return thread;
        });
        crlRefresh.scheduleAtFixedRate(this::refreshCrl, 0, CRL_REFRESH_HOURS, TimeUnit.HOURS);
        // Waited for: a refresh still writing the CRL into the home would outlive the hub that started it.
        services.add(() -> {
            crlRefresh.shutdownNow();
            if (!crlRefresh.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("the CRL refresh did not stop within 5 s");
            }
        });
        HubDatabase database;
        try {
            database = HubDatabase.open(settings.databaseUrl, home.databaseDirectory(), settings.databasePool());
        } catch (DatabaseFileException | io.hub.app.storage.DatabaseUnreachableException e) {
            throw new UserError(e.getMessage());
        }
        // Closed last: every module that was handed the pool stops before it.
        services.add(database);
        database.migrate();
        ClusterCertificateNames clusterNames = settings.databaseUrl == null ? null : joinCluster(database, clock);
        // Read once for every port: a renewal between two reads would leave a port with a pair that is none.
        ServerCredentials served = pki.serverCredentials();
        try {
            provisioning = Provisioning.start(new Provisioning.Settings(pki, home.firmwareDirectory(),
                    home.root().resolve("profiles"), settings.bind, settings.httpsPort, settings.adminBind,
                    settings.adminPort, adminToken(), new DeviceEndpointSettings(settings.publicAddress,
                            this::sipTlsPort, settings.sipEntryPoints, settings.sipDomain, globalLayer()),
                    settings.deviceRequestsPerSecond, home.sipPasswordsKey(), settings.httpLimits(),
                    new io.hub.provisioning.FirmwareLimits(settings.firmwareMaxBytes,
                            settings.firmwareQuotaBytes), tlsProvider), served, database.dataSource(),
                    metrics, clock);
        } catch (java.io.IOException e) {
            throw new UserError("cannot listen: " + e.getMessage() + " (is another hub running? see --https-port, "
                    + "--admin-port)");
        } catch (Provisioning.StorageRefused e) {
            // A sealed password that does not open: the key in var/secrets is not this database's.
            throw new UserError("the database cannot be opened with this home's secrets: " + e.getMessage());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("provisioning did not start", e);
        }
        services.add(provisioning);
        Phones phones = provisioning.phones();
        auditUpkeep = provisioning.startAuditUpkeep(Duration.ofDays(settings.auditRetentionDays),
                Duration.ofDays(settings.statusRetentionDays));
        services.add(auditUpkeep);
        // One set of DTLS-SRTP legs for the B2BUA's relay: WebRTC callers' legs; closed after SIP.
        DtlsSrtpLegs dtlsLegs = DtlsSrtpLegs.withFreshCertificate(clock, metrics);
        services.add(dtlsLegs);
        ProvisionedSipAccounts accounts = new ProvisionedSipAccounts(phones,
                new ClientCertificatePolicy(phones, settings.sipClientCertificate));
        try {
            InetAddress bind = InetAddress.getByName(settings.bind);
            sip = SipService.start(new SipService.Listen(bind, settings.sipTlsPort, settings.sipPlainPort,
                    ServerTls.context(served, true, sipTlsProvider)),
                    // Signature checks cost no descriptors: native wherever the HTTPS ports' TLS is.
                    pki.validator(tlsProvider), accounts,
                    database.dataSource(), metrics, clock, sipOptions(bind, dtlsLegs),
                    SipService.Standing.of(pki));
        } catch (java.io.IOException e) {
            throw new UserError("cannot listen for SIP: " + e.getMessage() + " (see --sip-tls-port, --sip-plain-port)");
        }
        services.add(sip);
        if (clusterNames != null) {
            // Calls reach phones whose flows other nodes hold, over SIP-TLS with the hub CA's node certificates.
            java.security.cert.X509Certificate hubCa = io.hub.pki.PemFiles.readCertificate(
                    pki.file(HubPki.HUB_CA_CERTIFICATE));
            sip.reachOtherNodes(database.dataSource(), settings.nodeNameResolved(),
                    new io.hub.app.node.ClusterDirectory(provisioning.nodes(), clock),
                    io.hub.pki.NodeTls.client(served, hubCa),
                    chain -> io.hub.pki.NodeTls.isNodeCertificate(chain, hubCa, clock.instant()), clock);
        }
        try {
            web = io.hub.app.web.WebPort.start(InetAddress.getByName(settings.bind), settings.webPort, served, sip,
                    settings.webLimits(), clock, metrics,
                    new io.hub.app.web.WebPort.Softphones(accounts, settings.turn(clock), clock));
        } catch (java.io.IOException e) {
            throw new UserError("cannot listen on the web port: " + e.getMessage() + " (see --web-port)");
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the web port did not start", e);
        }
        services.add(web);
        SipFollowsDevices.wire(phones, sip);
        Duration resyncTimeout = Duration.ofSeconds(settings.resyncTimeoutSeconds);
        io.hub.provisioning.CheckSyncSender checkSync = new SipResyncSender(sip, resyncTimeout);
        if (settings.databaseUrl != null && settings.databaseUrl.startsWith("jdbc:postgresql:")) {
            // Closed before SIP, whose withdrawals its handlers call.
            notices = new ClusterNotices(settings.databaseUrl, database.dataSource(),
                    settings.nodeNameResolved()).start();
            services.add(notices);
            checkSync = ClusterFollowers.wire(notices, provisioning, sip, pki, checkSync, resyncTimeout, clock);
        }
        provisioning.startResyncs(checkSync, settings.resyncPerSecond);
        OwedResyncsFollowRegistrations.wire(sip, provisioning);
        certificateFollow = new ServerCertificateFollow(pki, served, provisioning, sip, web, sipTlsProvider);
        crlRefresh.scheduleWithFixedDelay(certificateFollow::check, CERTIFICATE_LOOK_SECONDS,
                CERTIFICATE_LOOK_SECONDS, TimeUnit.SECONDS);
        // A revoked certificate a phone was seen with takes it off SIP (which rotates its password).
        var revoked = provisioning.revokedCertificates();
        sip.onPkiChange(() -> revoked.follow(certificate -> !sip.withdrawDevice(certificate.mac(),
                WithdrawReason.REVOKED, certificate.detail()).isEmpty()));
        sip.onCertificateAccepted(revoked::seen);
        // Counted, not committed: the tally writes one row per source, reason and minute.
        sip.onRegisterRefused(refusal -> auditUpkeep.count(domainOf(refusal.aor()), "sip",
                refusal.source().replaceAll(":\\d+$", ""), "register", refusal.code(),
                refusal.aor() + ": " + refusal.detail()));
        sip.onCallRefused(refusal -> auditUpkeep.count(domainOf(refusal.who()), "sip",
                refusal.source().replaceAll(":\\d+$", ""), "call", refusal.code(),
                refusal.who() + " " + refusal.method() + ": " + refusal.detail()));
        provisioning.publishOperatorAction("backup", settings.databaseUrl == null
                ? io.hub.app.backup.BackupAction.of(home, database.dataSource(), clock)
                : body -> {
                    // BACKUP TO is H2's; a shared PostgreSQL has its own tools and its own schedule.
                    throw new io.hub.provisioning.ProvisioningException(io.hub.provisioning.Refusal.BACKUP_REFUSED,
                            "the database is PostgreSQL, not the hub's H2 file: back it up with pg_dump, and "
                                    + "pki/, secrets/ and admin-token from the home");
                });
        // On a node of a cluster the other nodes' registrations are listed too, from their binding rows.
        io.hub.app.node.RegistrationsElsewhere elsewhere = clusterNames == null ? null
                : new io.hub.app.node.RegistrationsElsewhere(database.dataSource(), settings.nodeNameResolved());
        String self = clusterNames == null ? null : settings.nodeNameResolved();
        provisioning.publishLiveView("registrations", tenant -> Registrations.of(sip, phones, tenant, self,
                elsewhere));
        provisioning.publishLiveView("calls", tenant -> CallList.of(sip, phones, tenant));
        heartbeat = startNodeHeartbeat(clock);
        if (clusterNames != null) {
            // A node that joins later is covered by the others' certificates within a heartbeat.
            heartbeat.onBeat(nodes -> clusterNames.cover(nodes.stream().map(io.hub.provisioning.HubNode::name)
                    .toList()));
            // A node whose heartbeat stopped took its flows with it: its bindings are forgotten.
            io.hub.app.node.GoneNodes gone = new io.hub.app.node.GoneNodes(settings.nodeNameResolved());
            heartbeat.onBeat(nodes -> gone.look(nodes, clock.instant(), name -> LOG.info(
                    "node {} is gone (no heartbeat for {} s): {} binding(s) of its phones forgotten",
                    io.hub.pki.log.LogText.of(name),
                    io.hub.provisioning.HubNode.GONE_AFTER.toSeconds(), sip.forgetNode(name))));
        }
    }

    /**
     * Before anything is served on a shared database: this home's PKI and secrets must be the
     * cluster's, and the server certificate covers the cluster's names and every node's.
     */
    private ClusterCertificateNames joinCluster(HubDatabase database, Clock clock) {
        String node = settings.nodeNameResolved();
        try {
            io.hub.provisioning.ClusterRecord cluster = Provisioning.cluster(database.dataSource());
            if (ClusterMembership.join(cluster, ClusterMembership.identity(pki, home.sipPasswordsKey(), node,
                    clock.instant()))) {
                LOG.info("node {} founded the cluster of this database", node);
            }
            ClusterCertificateNames names = new ClusterCertificateNames(pki, settings.sharedClusterNames());
            names.cover(cluster.nodeNames());
            return names;
        } catch (Provisioning.StorageRefused e) {
            throw new UserError("the database did not answer while node " + node + " joined its cluster: "
                    + e.getMessage());
        }
    }

    /** This node's heartbeat in the node table (its live flows and calls), and the operator's node list. */
    private NodeHeartbeat startNodeHeartbeat(Clock clock) {
        NodeHeartbeat heartbeat = new NodeHeartbeat(provisioning.nodes(), settings.nodeNameResolved(), clock,
                sip::liveFlows,
                () -> sip.activeCalls().size(),
                () -> io.hub.app.node.ClusterDirectory.format(settings.nodeAddressResolved(), sip.tlsPort()));
        heartbeat.start();
        services.add(heartbeat);
        provisioning.publishLiveView("nodes", tenant -> {
            if (!Provisioning.isOperator(tenant)) {
                throw new io.hub.provisioning.ProvisioningException(io.hub.provisioning.Refusal.OPERATOR_ONLY,
                        "the node list is for the operator (the token in var/admin-token) only");
            }
            return heartbeat.view();
        });
        return heartbeat;
    }

    /** The domain an AOR names (its host, without port or parameters). */
    private static String domainOf(String aor) {
        return aor.replaceFirst("^<?sips?:", "").replaceFirst("^[^@]*@", "").replaceFirst("[;>].*$", "")
                .replaceFirst(":\\d+$", "");
    }

    /**
     * The relay on the SIP bind address and the configured range; SDP names the public address when
     * set. The keepalive interval phones are told is the Flow-Timer the registrar announces.
     */
    private SipService.Options sipOptions(InetAddress bind, DtlsSrtpLegs dtlsLegs) {
        int[] range = settings.relayPortRange();
        RelayConfig relay = RelayConfig.defaults(bind).withPorts(range[0] + "-" + range[1])
                .withIoThreads(settings.relayIoThreads);
        String mediaAddress = settings.publicAddress != null && settings.publicAddress.matches("[0-9a-fA-F:.]+")
                ? settings.publicAddress : null;
        return new SipService.Options(Duration.ofSeconds(settings.sipKeepaliveSeconds),
                settings.sipUnregisteredPerSource, Duration.ofSeconds(settings.sipRegisterDeadlineSeconds), relay,
                mediaAddress, settings.relayModeParsed(), Duration.ofSeconds(settings.mediaTimeoutSeconds),
                settings.sipRegistersPerAorPerSecond, settings.sipFlowRequestsPer2Seconds, settings.sipMaxConnections,
                // Nodes sharing PostgreSQL each own their binding rows; a hub alone owns them all.
                settings.databaseUrl == null ? null : settings.nodeNameResolved(),
                // Derived from the secrets every node of a cluster shares: a nonce verifies on any node.
                io.hub.app.node.ClusterMembership.nonceKey(home.sipPasswordsKey()), dtlsLegs,
                // The embedded database is this process's alone: bindings are journaled beside it.
                settings.databaseUrl == null ? home.databaseDirectory() : null);
    }

    private java.util.Map<String, String> globalLayer() {
        java.util.Map<String, String> global = new java.util.LinkedHashMap<>();
        global.put("sip.keepalive.interval", Integer.toString(settings.sipKeepaliveSeconds));
        global.putAll(settings.deviceDefaults);
        return global;
    }

    private void refreshCrl() {
        try {
            pki.publishCrl();
            LOG.info("crl re-signed {}", pki.file(HubPki.CRL));
        } catch (RuntimeException e) {
            LOG.warn("crl re-signing failed: {}", e.getMessage());
        }
    }

    private String adminToken() {
        try {
            return Files.readString(home.adminTokenFile(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UserError("cannot read " + home.adminTokenFile() + ": " + e.getMessage());
        }
    }

    /** One look at the server certificate file, as the hub takes every few seconds; true when reloaded. */
    boolean followServerCertificate() {
        return certificateFollow.check();
    }

    public HubPki pki() {
        return pki;
    }

    public Provisioning provisioning() {
        return provisioning;
    }

    /** The audit log's timers: counted refusals, retention. */
    public AuditUpkeep auditUpkeep() {
        return auditUpkeep;
    }

    /** The web port (SIP over WebSocket), once started. */
    public int webPort() {
        return web.port();
    }

    public SipService sip() {
        return sip;
    }

    /** The cluster's notices on PostgreSQL, null on H2; for tests that wait for them to listen again. */
    ClusterNotices notices() {
        return notices;
    }

    /** This node's heartbeat, for tests that beat without waiting for its timer. */
    NodeHeartbeat heartbeat() {
        return heartbeat;
    }

    /** The port phones register to: the bound one once SIP listens (it may have been 0, "any"). */
    private int sipTlsPort() {
        return sip != null ? sip.tlsPort() : settings.sipTlsPort;
    }

    /** Prints where everything is, for the person who started the hub. */
    public void describe(PrintWriter out) {
        out.println("hub " + HubVersion.version() + " serving from " + home.root());
        row(out, "hub CA (phones and testers trust it)", pki.file(HubPki.HUB_CA_CERTIFICATE).toString());
        row(out, "server certificate", pki.file(HubPki.SERVER_CERTIFICATE).toString());
        row(out, "development manufacturer CA", developmentCa());
        row(out, "CRL", pki.file(HubPki.CRL).toString());
        row(out, "admin token", home.adminTokenFile().toString());
        row(out, "node (GET /admin/v1/nodes)", settings.nodeNameResolved() + (settings.databaseUrl == null
                ? ", database in " + home.databaseDirectory()
                : ", database " + io.hub.app.storage.HubDatabase.redacted(settings.databaseUrl)));
        row(out, "device HTTPS (discovery)", "https://" + host(settings.bind) + ":" + provisioning.devicePort()
                + "/rdd/v1/discovery");
        row(out, "admin HTTPS (API, metrics)", "https://" + host(settings.adminBind) + ":"
                + provisioning.adminPort() + "/admin/v1/devices");
        row(out, "health", "https://" + host(settings.adminBind) + ":" + provisioning.adminPort() + "/healthz");
        row(out, "SIP over TLS", "sip:" + host(settings.bind) + ":" + sip.tlsPort() + ";transport=tls");
        row(out, "SIP over WebSocket (softphones)", "wss://" + host(settings.bind) + ":" + web.port() + "/sip");
        row(out, "SIP domain (default tenant)", provisioning.phones().hubDomain());
        row(out, "SIP plain (testers)", sip.plainPort() == null ? "off"
                : "sip:" + host(settings.bind) + ":" + sip.plainPort() + ";transport=tcp");
        row(out, "SRTP relay", "UDP " + settings.relayPorts + " (" + sip.relay().freePorts() + " ports free)");
        row(out, "calls (admin)", "https://" + host(settings.adminBind) + ":" + provisioning.adminPort()
                + "/admin/v1/calls");
    }

    /** Where the development CA is, unless an operator untrusted it: then its phones are refused. */
    private String developmentCa() {
        String fingerprint = io.hub.pki.Fingerprints.sha256(
                io.hub.pki.PemFiles.readCertificate(pki.file(HubPki.DEV_MANUFACTURER_CERTIFICATE)));
        boolean trusted = pki.trusted().entries().stream().anyMatch(entry -> entry.fingerprint().equals(fingerprint));
        return trusted ? pki.file(HubPki.DEV_MANUFACTURER_CERTIFICATE) + " (key beside it)"
                : "untrusted (hub pki untrust); its phones are refused";
    }

    private static String host(String bind) {
        return "0.0.0.0".equals(bind) || "::".equals(bind) ? "localhost" : bind.contains(":") ? "[" + bind + "]" : bind;
    }

    private static void row(PrintWriter out, String what, String where) {
        out.printf("  %-38s %s%n", what, where);
    }

    /** Stops the services in reverse order of start; calling it twice does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                services.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", services.get(i), e.toString());
            }
        }
        LOG.info("hub stopped home={}", home.root());
    }

    /** The TLS provider a setting asks for, or the JDK's where its native library does not load. */
    private static io.hub.pki.TlsProvider available(String setting, io.hub.pki.TlsProvider wanted) {
        if (wanted.available()) {
            return wanted;
        }
        LOG.warn("{} {} does not load on this platform ({} {}): the hub runs on the JDK's TLS", setting,
                wanted.name().toLowerCase(java.util.Locale.ROOT), System.getProperty("os.name"),
                System.getProperty("os.arch"));
        return io.hub.pki.TlsProvider.JDK;
    }
}
