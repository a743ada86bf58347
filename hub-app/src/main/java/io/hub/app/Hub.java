package io.hub.app;

import io.hub.pki.HubPki;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running hub: its home prepared, its PKI in place, and the services of the modules started in
 * order and stopped in reverse. A service this build does not have yet is listed as such, so the
 * start-up text never claims a port that nobody listens on.
 */
public final class Hub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

    private final HubHome home;
    private final HubSettings settings;
    private final HubPki pki;
    private final List<AutoCloseable> services = new ArrayList<>();
    private boolean closed;

    private Hub(HubHome home, HubSettings settings, HubPki pki) {
        this.home = home;
        this.settings = settings;
        this.pki = pki;
    }

    /**
     * Creates what is missing in the home (directories, PKI, admin token), never overwriting, and
     * starts the services.
     *
     * @throws UserError when the home cannot be written or the PKI on disk is inconsistent
     */
    public static Hub start(HubHome home, HubSettings settings, Clock clock) {
        home.create();
        HubPki pki = home.pki(clock);
        HubPki.InitReport report = pki.init(settings.keyTypeParsed(), settings.certificateNames());
        report.warnings().forEach(warning -> LOG.warn("pki: {}", warning));
        if (home.ensureAdminToken()) {
            LOG.info("created admin token in {}", home.adminTokenFile());
        }
        Hub hub = new Hub(home, settings, pki);
        LOG.info("hub started home={}", home.root());
        return hub;
    }

    public HubPki pki() {
        return pki;
    }

    /** Prints where everything is, for the person who started the hub. */
    public void describe(PrintWriter out) {
        out.println("hub " + HubVersion.version() + " serving from " + home.root());
        row(out, "hub CA (phones and testers trust it)", pki.file(HubPki.HUB_CA_CERTIFICATE).toString());
        row(out, "server certificate", pki.file(HubPki.SERVER_CERTIFICATE).toString());
        row(out, "development manufacturer CA", pki.file(HubPki.DEV_MANUFACTURER_CERTIFICATE) + " (key beside it)");
        row(out, "CRL", pki.file(HubPki.CRL).toString());
        row(out, "admin token", home.adminTokenFile().toString());
        String notYet = "  (not in this build yet)";
        row(out, "device HTTPS", settings.bind + ":" + settings.httpsPort + notYet);
        row(out, "admin HTTPS", settings.adminBind + ":" + settings.adminPort + notYet);
        row(out, "SIP over TLS", settings.bind + ":" + settings.sipTlsPort + notYet);
        row(out, "SIP plain (testers)", settings.sipPlainPort == null ? "off" : settings.bind + ":"
                + settings.sipPlainPort + notYet);
        row(out, "SRTP relay", "UDP " + settings.relayPorts + notYet);
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
}
