package io.hub.pki;

import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * Run in a child JVM (the JDK reads its session-ticket switch once per process): makes a hub PKI in
 * {@code args[0]}, then three TLS 1.3 handshakes in memory from one client, which resumes the first
 * session in the later two, and prints {@code shared} when the last session's server certificate is
 * the very object of the first, else {@code copied}. With {@code args[1]} = {@code cached} it first
 * calls {@link ServerTls#preferCachedSessions()}, as the hub's main does.
 */
public final class ResumedSessionProbe {

    private ResumedSessionProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[1].equals("cached")) {
            ServerTls.preferCachedSessions();
        }
        HubPki pki = HubPki.at(Path.of(args[0]), java.time.Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
        SSLContext server = ServerTls.context(pki.file(HubPki.SERVER_CERTIFICATE), pki.file(HubPki.SERVER_KEY), true);
        SSLContext client = HubTlsEngines.clientTrustingHubCa(pki, null);
        Certificate first = null;
        Certificate last = null;
        for (int i = 0; i < 3; i++) {
            SSLEngine serverEngine = server.createSSLEngine();
            serverEngine.setUseClientMode(false);
            serverEngine.setSSLParameters(ServerTls.parameters(server, true));
            SSLEngine clientEngine = client.createSSLEngine("localhost", 5061);
            clientEngine.setUseClientMode(true);
            InMemoryHandshake.run(clientEngine, serverEngine);
            last = serverEngine.getSession().getLocalCertificates()[0];
            first = first == null ? last : first;
        }
        System.out.println(first == last ? "shared" : "copied");
    }
}
