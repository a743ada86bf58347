package io.hub.provisioning;

import io.hub.pki.HubPki;
import io.hub.pki.PemFiles;
import io.hub.profiles.ConfigRenderer;
import io.hub.profiles.PhoneCatalogue;
import io.hub.provisioning.admin.AdminApi;
import io.hub.provisioning.admin.LiveViews;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.deviceapi.DeviceApi;
import io.hub.provisioning.deviceapi.DeviceEndpointSettings;
import io.hub.provisioning.alerts.DhcpAlerts;
import io.hub.provisioning.devices.CertificateBindings;
import io.hub.provisioning.devices.ClaimableRepository;
import io.hub.provisioning.devices.DeviceRepository;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.devices.ImportJournal;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.HttpLimits;
import io.hub.provisioning.http.HttpsServers;
import io.hub.provisioning.settings.SettingLayers;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.SealedSecrets;
import io.hub.provisioning.resync.ResyncAdmin;
import io.hub.provisioning.resync.ResyncRecords;
import io.hub.provisioning.resync.Resyncs;
import io.hub.provisioning.resync.StartedDefaults;
import io.hub.provisioning.tenants.HubDomain;
import io.hub.provisioning.tenants.Tenants;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
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
     * @param deviceLimits rate limits of the device side; null for the standard ones
     * @param secretsKey the 32-byte key that seals SIP passwords at rest, kept outside the database
     *     ({@link io.hub.provisioning.storage.SecretKeyFile})
     * @param http deadlines and connection caps of both HTTPS ports
     */
    public record Settings(HubPki pki, Path firmwareDirectory, Path profilesDirectory, String bind, int httpsPort,
            String adminBind, int adminPort, String adminToken, DeviceEndpointSettings device,
            DeviceApi.Limits deviceLimits, byte[] secretsKey, HttpLimits http) {

        /** With the standard {@link HttpLimits}. */
        public Settings(HubPki pki, Path firmwareDirectory, Path profilesDirectory, String bind, int httpsPort,
                String adminBind, int adminPort, String adminToken, DeviceEndpointSettings device,
                DeviceApi.Limits deviceLimits, byte[] secretsKey) {
            this(pki, firmwareDirectory, profilesDirectory, bind, httpsPort, adminBind, adminPort, adminToken, device,
                    deviceLimits, secretsKey, HttpLimits.standard());
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
    private final Resyncs resyncs;

    private Provisioning(Database database, Server deviceServer, Server adminServer, Enrollment enrollment,
            FirmwareStore firmware, Tenants tenants, AuditLog audit, LiveViews liveViews,
            Resyncs resyncs) {
        this.resyncs = resyncs;
        this.liveViews = liveViews;
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
     */
    public static Provisioning start(Settings settings, DataSource dataSource, PrometheusMeterRegistry metrics,
            Clock clock) throws Exception {
        SealedSecrets secrets = new SealedSecrets(settings.secretsKey());
        Database database = Database.migrate(dataSource);
        // Before anything is served: an import a kill cut short is undone (ImportJournal).
        new ImportJournal(database).recover();
        DeviceRepository deviceRepository = new DeviceRepository(secrets);
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
                PemFiles.readCertificate(settings.pki().file(HubPki.SERVER_CERTIFICATE))));
        tenants.upsert(Tenants.DEFAULT, "Default", settings.adminToken());
        SettingLayers layers = new SettingLayers(database, audit);
        Enrollment enrollment = new Enrollment(database, deviceRepository, new ClaimableRepository(), audit,
                layers, catalogue, clock);
        CertificateBindings bindings = new CertificateBindings(database, deviceRepository, audit, clock);
        FirmwareStore firmware = new FirmwareStore(database, settings.firmwareDirectory(), catalogue, clock);
        firmware.removeUnrecordedFiles();
        LiveViews liveViews = new LiveViews();
        DhcpAlerts dhcpAlerts = new DhcpAlerts(database, clock);
        DeviceApi.Limits limits = settings.deviceLimits() != null ? settings.deviceLimits()
                : DeviceApi.Limits.standard(clock);
        HubPki pki = settings.pki();
        Server device = HttpsServers.create("hub-device-https", settings.bind(), settings.httpsPort(),
                pki.file(HubPki.SERVER_CERTIFICATE), pki.file(HubPki.SERVER_KEY), true,
                new DeviceApi(pki.validator(), database, audit, renderer, firmware, layers, settings.device(),
                        limits, clock, metrics, dhcpAlerts, deviceRepository, bindings, catalogue, tenants),
                settings.http(), clock, metrics);
        Resyncs resyncs = new Resyncs(enrollment, new ResyncRecords(database), clock, metrics);
        // What a phone would receive changed: it is told to fetch its configuration again.
        enrollment.onChange(resyncs::deviceChanged);
        // Before SIP listens, so no phone registers before it is known what it is owed.
        StartedDefaults.follow(database, endpoints.global(), resyncs, clock);
        Server admin = HttpsServers.create("hub-admin-https", settings.adminBind(), settings.adminPort(),
                pki.file(HubPki.SERVER_CERTIFICATE), pki.file(HubPki.SERVER_KEY), false,
                new AdminApi(tenants, enrollment, firmware, layers, audit, database, metrics, dhcpAlerts,
                        liveViews, bindings, new ResyncAdmin(resyncs, audit)),
                settings.http(), clock, metrics);
        Provisioning provisioning = new Provisioning(database, device, admin, enrollment, firmware, tenants, audit,
                liveViews, resyncs);
        try {
            device.start();
            admin.start();
        } catch (Exception e) {
            provisioning.close();
            throw e;
        }
        LOG.info("provisioning started device-https={}:{} admin-https={}:{}", settings.bind(),
                HttpsServers.port(device), settings.adminBind(), HttpsServers.port(admin));
        return provisioning;
    }

    /**
     * Both HTTPS ports take up the server certificate and key now in the PKI: new connections get
     * them, open ones keep theirs.
     *
     * @throws Exception when Jetty cannot reload a context
     */
    public void reloadServerCertificate(HubPki pki) throws Exception {
        HttpsServers.reloadCertificate(deviceServer, pki.file(HubPki.SERVER_CERTIFICATE),
                pki.file(HubPki.SERVER_KEY), true);
        HttpsServers.reloadCertificate(adminServer, pki.file(HubPki.SERVER_CERTIFICATE),
                pki.file(HubPki.SERVER_KEY), false);
        // The certificate's names are the SIP domain's aliases: a name added by the renewal registers now.
        tenants.followServerCertificate(PemFiles.readCertificate(pki.file(HubPki.SERVER_CERTIFICATE)));
    }

    public int devicePort() {
        return HttpsServers.port(deviceServer);
    }

    public int adminPort() {
        return HttpsServers.port(adminServer);
    }

    /** The certificates devices fetched their configuration with, to follow revocations of them. */
    public io.hub.provisioning.devices.SeenCertificates seenCertificates(java.time.Clock clock) {
        return new io.hub.provisioning.devices.SeenCertificates(database, clock);
    }

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

    /** Pushes changes to phones; the SIP side gives it a sender ({@link Resyncs#start}). */
    public Resyncs resyncs() {
        return resyncs;
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
        LOG.info("provisioning stopped");
    }
}
