package io.hub.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Run the hub: create the home on first start (PKI, admin token), then serve until SIGTERM.",
                "Settings come from HOME/hub.yaml (or --config); flags override it."})
public final class StartCommand implements Callable<Integer> {

    @Mixin
    HomeOption home;
    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (default: HOME/hub.yaml if present).")
    Path config;
    @Option(names = "--https-port", paramLabel = "PORT", description = "Device HTTPS port (default 8443).")
    Integer httpsPort;
    @Option(names = "--admin-port", paramLabel = "PORT", description = "Admin HTTPS port on 127.0.0.1 (default 9443).")
    Integer adminPort;
    @Option(names = "--sip-tls-port", paramLabel = "PORT", description = "SIP over TLS port (default 5061).")
    Integer sipTlsPort;
    @Option(names = "--web-port", paramLabel = "PORT",
            description = "Web port: SIP over secure WebSocket for softphones, no client certificate (default 8444).")
    Integer webPort;
    @Option(names = "--sip-plain-port", paramLabel = "PORT",
            description = "Plain SIP over TCP for testers and SIPp, no TLS (default off).")
    Integer sipPlainPort;
    @Option(names = "--relay-ports", paramLabel = "MIN-MAX", description = "SRTP relay UDP range (default 30000-44999).")
    String relayPorts;
    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address the device side listens on (default 0.0.0.0).")
    String bind;
    @Option(names = "--public-address", paramLabel = "ADDRESS",
            description = "Address put in SDP and URLs, and covered by the server certificate.")
    String publicAddress;
    @Option(names = "--server-name", paramLabel = "NAME",
            description = "Extra name the server certificate covers on first start (repeatable).")
    List<String> serverNames = List.of();
    @Option(names = "--sip-client-certificate", paramLabel = "wanted|required",
            description = "Whether SIP over TLS requires a valid certificate of the account's own phone; a tenant's "
                    + "own setting wins ('hub tenant set'). Default wanted.")
    String sipClientCertificate;
    @Option(names = "--database-url", paramLabel = "URL",
            description = "Keep the tables in PostgreSQL: jdbc:postgresql://HOST:PORT/DB?user=USER&password=PASSWORD "
                    + "(default: the embedded H2 database under the home).")
    String databaseUrl;
    @Option(names = "--node", paramLabel = "NAME",
            description = "This node's name among the nodes sharing one database (default: the host name).")
    String node;
    @Option(names = "--node-address", paramLabel = "HOST",
            description = "The host the other nodes reach this node's SIP-TLS port at, for calls to its phones "
                    + "(default: the bind address, else publicAddress, else the node name).")
    String nodeAddress;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        HubHome hubHome = home.home();
        HubSettings settings = config == null ? HubSettings.load(hubHome.settingsFile(), false)
                : HubSettings.load(config, true);
        applyFlags(settings);
        settings.validate();
        Hub hub = Hub.start(hubHome, settings, Clock.systemUTC());
        PrintWriter out = spec.commandLine().getOut();
        return Foreground.serve(out, "hub", () -> hub.describe(out), hub::close);
    }

    void applyFlags(HubSettings settings) {
        if (databaseUrl != null) {
            settings.databaseUrl = databaseUrl;
        }
        if (nodeAddress != null) {
            settings.nodeAddress = nodeAddress;
        }
        if (node != null) {
            settings.nodeName = node;
        }
        if (sipClientCertificate != null) {
            settings.sipClientCertificate = sipClientCertificate;
        }
        if (httpsPort != null) {
            settings.httpsPort = httpsPort;
        }
        if (adminPort != null) {
            settings.adminPort = adminPort;
        }
        if (sipTlsPort != null) {
            settings.sipTlsPort = sipTlsPort;
        }
        if (webPort != null) {
            settings.webPort = webPort;
        }
        if (sipPlainPort != null) {
            settings.sipPlainPort = sipPlainPort;
        }
        if (relayPorts != null) {
            settings.relayPorts = relayPorts;
        }
        if (bind != null) {
            settings.bind = bind;
        }
        if (publicAddress != null) {
            settings.publicAddress = publicAddress;
        }
        if (!serverNames.isEmpty()) {
            List<String> names = new java.util.ArrayList<>(settings.serverNames);
            names.addAll(serverNames);
            settings.serverNames = names;
        }
    }
}
