package io.hub.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The TLS settings every server of the hub shares (device HTTPS, admin HTTPS, SIP over TLS): the
 * server certificate of the hub PKI, TLS 1.3 and 1.2 only, ECDHE with AEAD ciphers only.
 */
public final class ServerTls {

    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    public static final String[] CIPHER_SUITES = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    /** The JDK's switch between stateless TLS session tickets and the server's session cache. */
    static final String SESSION_TICKETS = "jdk.tls.server.enableSessionTicketExtension";

    private ServerTls() {
    }

    /**
     * Resumes TLS sessions from the server's session cache instead of stateless tickets, unless the
     * JVM was told otherwise. With tickets (the JDK's default) a resumed session is rebuilt from the
     * ticket, its certificates parsed again: every phone that reconnects with resumption holds its
     * own copy of the hub's certificate chain (about 5 KiB) for as long as its connection lives,
     * which held SIP connections do for days. A cached session shares the chain it was made with.
     * The JDK reads the switch once, when its TLS code loads: call this before any TLS is used.
     */
    public static void preferCachedSessions() {
        if (System.getProperty(SESSION_TICKETS) == null) {
            System.setProperty(SESSION_TICKETS, "false");
        }
    }

    /**
     * A TLS context with the chain in {@code certificateFile} and the key in {@code keyFile}; when
     * {@code acceptAnyClient}, every client chain passes the handshake to be judged afterwards.
     *
     * @throws PkiException when the files cannot be read
     */
    public static SSLContext context(Path certificateFile, Path keyFile, boolean acceptAnyClient) {
        return context(certificateFile, keyFile, acceptAnyClient, TlsProvider.JDK);
    }

    /**
     * As {@link #context(Path, Path, boolean)}, on {@code provider}'s TLS.
     *
     * @throws PkiException when the files cannot be read or the provider cannot run here
     */
    public static SSLContext context(Path certificateFile, Path keyFile, boolean acceptAnyClient,
            TlsProvider provider) {
        return context(ServerCredentials.read(certificateFile, keyFile), acceptAnyClient, provider);
    }

    /**
     * A TLS context presenting {@code credentials}, on {@code provider}'s TLS; when
     * {@code acceptAnyClient}, every client chain passes the handshake to be judged afterwards.
     *
     * @throws PkiException when the provider cannot run here or refuses the key
     */
    public static SSLContext context(ServerCredentials credentials, boolean acceptAnyClient, TlsProvider provider) {
        try {
            SSLContext context = provider.newContext();
            context.init(HeldKey.managers("hub", credentials.key(), credentials.chain()),
                    acceptAnyClient ? new TrustManager[] {new AnyClientCertificate()} : null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new PkiException("cannot build a TLS context for " + credentials.leaf().getSubjectX500Principal()
                    + ": " + e.getMessage());
        }
    }

    /**
     * Closes both directions of {@code engine}: what makes a native engine (Conscrypt's,
     * netty-tcnative's) free its session and descriptors at once rather than when it is collected.
     */
    public static void free(SSLEngine engine) {
        engine.closeOutbound();
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            // The peer's close_notify never came: the connection is gone either way.
        }
    }

    /** Protocols and suites restricted as above; {@code wantClient} asks for a client certificate. */
    public static SSLParameters parameters(SSLContext context, boolean wantClient) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        parameters.setCipherSuites(CIPHER_SUITES);
        parameters.setWantClientAuth(wantClient);
        return parameters;
    }
}
