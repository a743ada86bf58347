package io.hub.provisioning;

import io.hub.pki.DeviceCertificateValidator;
import io.hub.pki.HubPki;
import io.hub.pki.ServerCredentials;
import io.hub.pki.TlsProvider;
import io.hub.profiles.ConfigRenderer;
import io.hub.profiles.PhoneCatalogue;
import io.hub.provisioning.admin.AdminApi;
import io.hub.provisioning.changes.ConfigChange;
import io.hub.provisioning.changes.ConfigChanges;
import io.micrometer.core.instrument.MeterRegistry;
import io.hub.provisioning.admin.LiveViews;
import io.hub.provisioning.admin.OperatorActions;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.deviceapi.DeviceApi;

import io.hub.provisioning.alerts.DhcpAlerts;
import io.hub.provisioning.devices.CertificateBindings;
import io.hub.provisioning.devices.ClaimableRepository;
import io.hub.provisioning.devices.DeviceRepository;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.devices.ImportJournal;
import io.hub.provisioning.devices.KeptDevices;
import io.hub.provisioning.firmware.FirmwareStore;

import io.hub.provisioning.http.HttpsServers;
import io.hub.provisioning.settings.SettingLayers;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.PrivateFiles;
import io.hub.provisioning.storage.SealedSecrets;
import io.hub.provisioning.storage.SecretKeyFile;
import io.hub.provisioning.storage.StorageException;
import io.hub.provisioning.audit.RefusalTally;
import io.hub.provisioning.devices.SeenCertificates;
import io.hub.provisioning.resync.ResyncAdmin;
import io.hub.provisioning.resync.ResyncRecords;
import io.hub.provisioning.resync.Resyncs;
import io.hub.provisioning.resync.StartedDefaults;
import io.hub.provisioning.tenants.HubDomain;
import io.hub.provisioning.tenants.Tenants;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioning side of the hub, started and stopped as one: its schema in the hub's database,
 * the device HTTPS server (mutual TLS) and the admin HTTPS server (bearer token). The database pool
 * and the metrics registry are hub-app's; provisioning is handed them and closes neither.
 */
public final class Provisioning implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioning.class);

    /**
     * Where provisioning listens and keeps its state.
     *
     * @param profilesDirectory extra phone family files, if the directory exists
     * @param adminToken the default tenant's bearer token
     * @param deviceRequestsPerSecond device HTTPS requests per second per source address (bursts of
     *     2.5 times that); {@link #DEVICE_REQUESTS_PER_SECOND} as standard
     * @param secretsKey the 32-byte key that seals SIP passwords at rest, kept outside the database
     *     ({@link io.hub.provisioning.storage.SecretKeyFile})
     * @param http deadlines and connection caps of both HTTPS ports
     * @param firmware the largest image and each tenant's quota
     * @param tlsProvider the TLS implementation of both HTTPS ports
     */
    public record Settings(HubPki pki, Path firmwareDirectory, Path profilesDirectory, String bind, int httpsPort,
            String adminBind, int adminPort, String adminToken, DeviceEndpointSettings device,
            int deviceRequestsPerSecond, byte[] secretsKey, HttpLimits http, FirmwareLimits firmware,
            TlsProvider tlsProvider) {

        /** A boot storm behind one NAT passes; a source asking more is answered 429. */
        public static final int DEVICE_REQUESTS_PER_SECOND = 200;

        /** With the {@linkplain TlsProvider#standard() standard} TLS provider. */
        public Settings(HubPki pki, Path firmwareDirectory, Path profilesDirectory, String bind, int httpsPort,
                String adminBind, int adminPort, String adminToken, DeviceEndpointSettings device,
                int deviceRequestsPerSecond, byte[] secretsKey, HttpLimits http, FirmwareLimits firmware) {
            this(pki, firmwareDirectory, profilesDirectory, bind, httpsPort, adminBind, adminPort, adminToken, device,
                    deviceRequestsPerSecond, secretsKey, http, firmware, TlsProvider.standard());
        }

        /** With the standard {@link FirmwareLimits}. */
        public Settings(HubPki pki, Path firmwareDirectory, Path profilesDirectory, String bind, int httpsPort,
                String adminBind, int adminPort, String adminToken, DeviceEndpointSettings device,
                int deviceRequestsPerSecond, byte[] secretsKey, HttpLimits http) {
            this(pki, firmwareDirectory, profilesDirectory, bind, httpsPort, adminBind, adminPort, adminToken, device,
                    deviceRequestsPerSecond, secretsKey, http, FirmwareLimits.standard());
        }

        /** With the standard {@link HttpLimits}. */
        public Settings(HubPki pki, Path firmwareDirectory, Path profilesDirectory, String bind, int httpsPort,
                String adminBind, int adminPort, String adminToken, DeviceEndpointSettings device,
                int deviceRequestsPerSecond, byte[] secretsKey) {
            this(pki, firmwareDirectory, profilesDirectory, bind, httpsPort, adminBind, adminPort, adminToken, device,
                    deviceRequestsPerSecond, secretsKey, HttpLimits.standard());
        }
    }

    /**
     * The database failed (at start, or under a lookup of {@link Phones}), or holds secrets this home's key
     * does not open.
     */
    public static final class StorageRefused extends RuntimeException {
        StorageRefused(StorageException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final Database database;
    private final Server deviceServer;
    private final Server adminServer;
    private final Enrollment enrollment;
    private final FirmwareStore firmware;
    private final Tenants tenants;
    private final AuditLog audit;
    private final LiveViews liveViews;
    private final OperatorActions actions;
    private final Resyncs resyncs;
    private final HubPki pki;
    private final Clock clock;
    private final ConfigChanges changes;
    private final Phones phones;
    /** One for the device port and the registrar, so a pair one of them wrote is not written again by the other. */
    private final SeenCertificates seen;

    private Provisioning(Database database, Server deviceServer, Server adminServer, Enrollment enrollment,
            FirmwareStore firmware, Tenants tenants, AuditLog audit, LiveViews liveViews, OperatorActions actions,
            Resyncs resyncs, HubPki pki, Clock clock, ConfigChanges changes, MeterRegistry metrics,
            SeenCertificates seen, KeptDevices keptDevices) {
        this.seen = seen;
        this.changes = changes;
        this.phones = new Phones(tenants, enrollment, keptDevices, changes, clock, metrics);
        this.pki = pki;
        this.clock = clock;
        this.resyncs = resyncs;
        this.liveViews = liveViews;
        this.actions = actions;
        this.database = database;
        this.deviceServer = deviceServer;
        this.adminServer = adminServer;
        this.enrollment = enrollment;
        this.firmware = firmware;
        this.tenants = tenants;
        this.audit = audit;
    }

    /**
     * Migrates provisioning's schema over {@code dataSource} and starts both servers; on failure
     * nothing is left running.
     *
     * @param dataSource the hub's database, which the caller keeps open until after {@link #close}
     * @param metrics the registry {@code /metrics} serves, which the other modules fill too
     * @throws StorageRefused when the database fails, or holds SIP passwords another key sealed
     * @throws java.io.IOException when a port cannot be bound
     */
    public static Provisioning start(Settings settings, DataSource dataSource, PrometheusMeterRegistry metrics,
            Clock clock) throws Exception {
        return start(settings, settings.pki().serverCredentials(), dataSource, metrics, clock);
    }

    /**
     * As {@link #start(Settings, DataSource, PrometheusMeterRegistry, Clock)}, both ports presenting
     * {@code credentials}: the pair the caller gives its other ports too.
     */
    public static Provisioning start(Settings settings, ServerCredentials credentials, DataSource dataSource,
            PrometheusMeterRegistry metrics, Clock clock) throws Exception {
        try {
            return startOn(settings, credentials, dataSource, metrics, clock);
        } catch (StorageException e) {
            throw new StorageRefused(e);
        }
    }

    private static Provisioning startOn(Settings settings, ServerCredentials credentials, DataSource dataSource,
            PrometheusMeterRegistry metrics, Clock clock) throws Exception {
        SealedSecrets secrets = new SealedSecrets(settings.secretsKey());
        Database database = Database.migrate(dataSource);
        // What group commit buys: their ratio is the number of phones' writes one commit carried.
        io.micrometer.core.instrument.Gauge.builder("hub.device.shared.commits", database, d -> d.sharedCommits()[0])
                .description("transactions that carried devices' contact and audit writes").register(metrics);
        io.micrometer.core.instrument.Gauge.builder("hub.device.shared.writes", database, d -> d.sharedCommits()[1])
                .description("devices' contact and audit writes, grouped into those transactions").register(metrics);
        io.micrometer.core.instrument.Gauge.builder("hub.device.writes.behind", database, d -> d.writesBehind()[0])
                .description("devices' contacts and routine audit rows queued to be committed shortly")
                .register(metrics);
        io.micrometer.core.instrument.FunctionCounter.builder("hub.device.writes.behind.failed", database,
                d -> d.writesBehind()[1])
                .description("devices' contacts and routine audit rows that could not be committed (each logged)")
                .register(metrics);
        // Before anything is served: an import a kill cut short is undone (ImportJournal).
        new ImportJournal(database).recover();
        // Every change to what phones are served, announced once committed: the device side keeps
        // devices and rendered configurations in memory until one reaches them.
        ConfigChanges changes = new ConfigChanges();
        DeviceRepository deviceRepository = new DeviceRepository(secrets, changes);
        int sealed = database.transaction(deviceRepository::sealPlaintextPasswords);
        if (sealed > 0) {
            LOG.info("sealed {} SIP password(s) an older hub stored in plain text", sealed);
        }
        PhoneCatalogue catalogue = PhoneCatalogue.builtInPlus(settings.profilesDirectory());
        ConfigRenderer renderer = new ConfigRenderer(catalogue);
        AuditLog audit = new AuditLog(database, clock);
        DeviceEndpointSettings endpoints = settings.device();
        Tenants tenants = new Tenants(database, clock, HubDomain.of(endpoints.sipDomain(), endpoints.publicHost(),
                endpoints.regionHosts().values(),
                credentials.leaf()), changes);
        tenants.upsert(Tenants.DEFAULT, "Default", settings.adminToken());
        SettingLayers layers = new SettingLayers(database, audit, changes);
        Enrollment enrollment = new Enrollment(database, deviceRepository, new ClaimableRepository(), audit,
                layers, catalogue, clock);
        CertificateBindings bindings = new CertificateBindings(database, deviceRepository, audit, clock);
        // On PostgreSQL (the nodes of a cluster) every node serves every image: the database keeps a copy.
        FirmwareStore firmware = new FirmwareStore(database, settings.firmwareDirectory(), catalogue, clock,
                settings.firmware(), changes, isPostgres(dataSource));
        firmware.removeUnrecordedFiles();
        firmware.copyLocalImages();
        LiveViews liveViews = new LiveViews();
        OperatorActions actions = new OperatorActions();
        DhcpAlerts dhcpAlerts = new DhcpAlerts(database, clock);
        DeviceApi.Limits limits = DeviceApi.Limits.of(settings.deviceRequestsPerSecond(), clock);
        HubPki pki = settings.pki();
        SeenCertificates seen = new SeenCertificates(database, clock);
        // One for the device port and the SIP side: a phone's REGISTER finds the row its fetch read.
        KeptDevices keptDevices = new KeptDevices(changes, clock, metrics);
        DeviceCertificateValidator validator = pki.validator(settings.tlsProvider());
        io.micrometer.core.instrument.Gauge.builder("hub.device.certificate.paths.kept", validator,
                DeviceCertificateValidator::keptPaths)
                .description("phones' certificate chains accepted and kept with what the acceptance rested on")
                .register(metrics);
        Server device = HttpsServers.create("hub-device-https", settings.bind(), settings.httpsPort(),
                credentials, true,
                new DeviceApi(validator, database, audit, renderer, firmware, layers,
                        settings.device(), limits, clock, metrics, dhcpAlerts, deviceRepository, bindings, catalogue,
                        tenants, changes, seen, keptDevices),
                settings.http(), settings.tlsProvider(), clock, metrics);
        Resyncs resyncs = new Resyncs(enrollment, new ResyncRecords(database), clock, metrics);
        // What a phone would receive changed: it is told to fetch its configuration again.
        enrollment.onChange(resyncs::deviceChanged);
        // Before SIP listens, so no phone registers before it is known what it is owed.
        StartedDefaults.follow(database, endpoints.global(), resyncs, clock);
        Server admin = HttpsServers.create("hub-admin-https", settings.adminBind(), settings.adminPort(),
                credentials, false,
                new AdminApi(tenants, enrollment, firmware, layers, audit, database, metrics, dhcpAlerts,
                        liveViews, actions, bindings, new ResyncAdmin(resyncs, audit)),
                settings.http(), settings.tlsProvider(), clock, metrics);
        Provisioning provisioning = new Provisioning(database, device, admin, enrollment, firmware, tenants, audit,
                liveViews, actions, resyncs, pki, clock, changes, metrics, seen, keptDevices);
        try {
            device.start();
            admin.start();
        } catch (Exception e) {
            provisioning.close();
            throw e;
        }
        LOG.info("provisioning started device-https={}:{} admin-https={}:{} tls={}", settings.bind(),
                HttpsServers.port(device), settings.adminBind(), HttpsServers.port(admin),
                settings.tlsProvider().name().toLowerCase(java.util.Locale.ROOT));
        return provisioning;
    }

    /**
     * Both HTTPS ports take up {@code credentials}, a renewed server certificate and its key: new
     * connections get them, open ones keep theirs.
     *
     * @throws Exception when Jetty cannot reload a context
     */
    public void reloadServerCertificate(ServerCredentials credentials) throws Exception {
        HttpsServers.reloadCertificate(deviceServer, credentials, true);
        HttpsServers.reloadCertificate(adminServer, credentials, false);
        // The certificate's names are the SIP domain's aliases: a name added by the renewal registers now.
        tenants.followServerCertificate(credentials.leaf());
        // The hub's names may have changed with it: the domains kept for SIP are read again.
        changes.changed(ConfigChange.all());
    }

    public int devicePort() {
        return HttpsServers.port(deviceServer);
    }

    public int adminPort() {
        return HttpsServers.port(adminServer);
    }

    /** True for the default tenant, whose token is the operator's ({@code var/admin-token}). */
    public static boolean isOperator(String tenant) {
        return Tenants.DEFAULT.equals(tenant);
    }

    /** True while some phone is owed a check-sync since the start. */
    public boolean resyncsOwed() {
        return resyncs.owed() > 0;
    }

    /**
     * The phone registered: a check-sync owed to it since the start (other {@code deviceDefaults}) is
     * queued now.
     *
     * @return true when one was owed and is queued
     */
    public boolean phoneRegistered(io.hub.pki.MacAddress mac) {
        return resyncs.registered(mac);
    }

    /** The phones and tenants, as SIP asks for them. */
    public Phones phones() {
        return phones;
    }

    /** The certificates phones were seen with, to follow revocations of them. */
    public RevokedCertificates revokedCertificates() {
        return new RevokedCertificates(pki, seen, enrollment);
    }

    /**
     * Starts telling phones of changes through {@code sender}, at most {@code perSecond} NOTIFYs a
     * second; until then every phone is {@link ResyncOutcome#NO_FLOW}.
     */
    public void startResyncs(CheckSyncSender sender, int perSecond) {
        java.util.function.Function<io.hub.provisioning.devices.Device, String> aorOf = device -> "sip:"
                + device.extension() + "@" + tenants.domainOf(device.tenant());
        resyncs.naming(aorOf);
        resyncs.start((device, reboot) -> sender.send(aorOf.apply(device), reboot), perSecond);
    }

    /**
     * Starts the audit log's timers: refusals counted with {@link AuditUpkeep#count} are written
     * every few seconds, rows past their retention purged every hour. The caller closes it.
     */
    public AuditUpkeep startAuditUpkeep(Duration auditRetention, Duration statusRetention) {
        AuditUpkeep upkeep = new AuditUpkeep(new RefusalTally(audit, clock,
                domain -> tenants.byDomain(domain).map(Tenants.DomainOwner::tenant).orElse(null)),
                audit.retention(auditRetention, statusRetention));
        upkeep.start();
        return upkeep;
    }

    /**
     * The 32-byte key that seals SIP passwords at rest ({@link Settings#secretsKey}), read from
     * {@code file} or created there, readable by the hub's user only.
     *
     * @throws IllegalStateException when the file cannot be read or written, or holds no key
     */
    public static byte[] secretsKey(Path file) {
        return SecretKeyFile.loadOrCreate(file);
    }

    /** Provisioning's Flyway, to read which schema version a database holds without migrating it. */
    public static org.flywaydb.core.Flyway schema(DataSource dataSource) {
        return Database.schema(dataSource);
    }

    /**
     * Creates {@code directory} if missing and makes it the hub's user's only (0700), with every file
     * directly in it 0600: for the database and the secrets.
     */
    public static void privateDirectory(Path directory) throws java.io.IOException {
        PrivateFiles.tighten(directory);
    }

    /** For tests and tools of the same process; the rest of the hub uses {@link #phones()}. */
    public Enrollment enrollment() {
        return enrollment;
    }

    public FirmwareStore firmware() {
        return firmware;
    }

    public Tenants tenants() {
        return tenants;
    }

    /**
     * Publishes live state of another module at {@code GET /admin/v1/{view}}: {@code view} gives
     * what a tenant sees of it, by the tenant's id.
     */
    public void publishLiveView(String view, java.util.function.Function<String, Object> perTenant) {
        liveViews.publish(view, perTenant);
    }

    /**
     * Publishes an operation of the whole hub at {@code POST /admin/v1/{name}} (the operator's only,
     * audited): {@code action} takes the request's JSON body and answers JSON.
     */
    public void publishOperatorAction(String name, java.util.function.Function<com.fasterxml.jackson.databind.JsonNode,
            Object> action) {
        actions.publish(name, action);
    }

    /**
     * Every committed change to what phones are served: the cluster's notices carry this node's to
     * the others ({@link ConfigChanges#onLocal}) and hand theirs in ({@link ConfigChanges#heard}).
     */
    public ConfigChanges configChanges() {
        return changes;
    }

    /**
     * Calls {@code publish} with the fields of every change made on this node to what phones are
     * served ({@code scope}, {@code tenant}, {@code name}), for the other nodes of a cluster.
     */
    public void onConfigChange(java.util.function.Consumer<java.util.Map<String, String>> publish) {
        changes.onLocal(change -> publish.accept(change.fields()));
    }

    /**
     * Another node changed what phones are served: what this node keeps of it is dropped.
     *
     * @throws IllegalArgumentException when {@code scope} is not a change's scope
     */
    public void configChangedElsewhere(String scope, String tenant, String name) {
        changes.heard(ConfigChange.of(scope, tenant, name));
    }

    /** Pushes changes to phones; the SIP side gives it a sender ({@link #startResyncs}). */
    public Resyncs resyncs() {
        return resyncs;
    }

    /**
     * The cluster's identity in the database over {@code dataSource}, provisioning's schema migrated
     * first: what a node checks before it starts serving ({@link ClusterRecord#claim}).
     *
     * @throws StorageRefused when the database fails
     */
    public static ClusterRecord cluster(DataSource dataSource) {
        try {
            return new ClusterRecord(Database.migrate(dataSource));
        } catch (StorageException e) {
            throw new StorageRefused(e);
        }
    }

    /** The revocations the nodes of a cluster share. */
    public SharedRevocations sharedRevocations() {
        return new SharedRevocations(database);
    }

    private static boolean isPostgres(DataSource dataSource) throws java.sql.SQLException {
        try (java.sql.Connection connection = dataSource.getConnection()) {
            return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
        }
    }

    /** The trusted manufacturer CAs and imported CRLs the nodes of a cluster share. */
    public SharedTrust sharedTrust() {
        return new SharedTrust(database);
    }

    /** The nodes sharing this database, with their heartbeats. */
    public NodeTable nodes() {
        return new NodeTable(database);
    }

    public AuditLog audit() {
        return audit;
    }

    @Override
    public void close() {
        resyncs.close();
        for (Server server : new Server[] {adminServer, deviceServer}) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", server, e.toString());
            }
        }
        database.close();
        LOG.info("provisioning stopped");
    }
}
