package io.hub.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.hub.phone.sip.DigestAnswer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A phone's SIP-TLS connection, written by hand so a test controls every byte: REGISTER with or
 * without digest, keepalive pings, garbage.
 */
public final class SipTestClient implements AutoCloseable {

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    final String callId = UUID.randomUUID().toString();
    private int cseq;
    private String domain = "hub.test";

    private SipTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(10_000);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static SipTestClient tls(int port, X509Certificate trusted, X509Certificate certificate, PrivateKey key)
            throws Exception {
        SSLSocket socket = (SSLSocket) context(trusted, certificate, key).getSocketFactory()
                .createSocket("localhost", port);
        socket.startHandshake();
        return new SipTestClient(socket);
    }

    /** A phone's TLS context: trusts {@code trusted}, presents {@code certificate} when not null. */
    public static SSLContext context(X509Certificate trusted, X509Certificate certificate, PrivateKey key)
            throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("hub", trusted);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = null;
        if (certificate != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("phone", key, "x".toCharArray(), new X509Certificate[] {certificate});
            keyManagers = KeyManagerFactory.getInstance("PKIX");
            keyManagers.init(keys, "x".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    /** A client over a socket the test made itself (a TLS version, a source address of its choice). */
    public static SipTestClient over(Socket socket) throws IOException {
        return new SipTestClient(socket);
    }

    public Socket socket() {
        return socket;
    }

    /** Registers in {@code sipDomain} from now on (hub.test until told). */
    public SipTestClient inDomain(String sipDomain) {
        this.domain = sipDomain;
        return this;
    }

    public static SipTestClient tcp(int port) throws IOException {
        return new SipTestClient(new Socket("127.0.0.1", port));
    }

    /** A REGISTER for {@code user} with the given extra header lines (each ending without CRLF). */
    public String register(String user, String contact, String... extra) {
        cseq++;
        StringBuilder message = new StringBuilder()
                .append("REGISTER sip:").append(domain).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/TLS 10.0.0.5:5061;branch=z9hG4bK").append(UUID.randomUUID()).append(";rport\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("From: <sip:").append(user).append("@").append(domain).append(">;tag=").append(cseq).append("f\r\n")
                .append("To: <sip:").append(user).append("@").append(domain).append(">\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: ").append(cseq).append(" REGISTER\r\n");
        if (contact != null) {
            message.append("Contact: ").append(contact).append("\r\n");
        }
        for (String line : extra) {
            message.append(line).append("\r\n");
        }
        return message.append("User-Agent: hub-test\r\nContent-Length: 0\r\n\r\n").toString();
    }

    void cseq(int value) {
        cseq = value;
    }

    /** Sends a REGISTER, answers the challenge with {@code password} and returns the final answer. */
    public SIPResponse registerWithPassword(String user, String password, String algorithm, String contact, String... extra)
            throws Exception {
        SIPResponse challenge = send(register(user, contact, extra));
        if (challenge.getStatusCode() != 401) {
            return challenge;
        }
        return send(register(user, contact, with(extra, authorization(challenge, user, password, algorithm, 1,
                "sip:" + domain))));
    }

    static String authorization(SIPResponse challenge, String user, String password, String algorithm, int nc) {
        return authorization(challenge, user, password, algorithm, nc, "sip:hub.test");
    }

    static String authorization(SIPResponse challenge, String user, String password, String algorithm, int nc,
            String uri) {
        List<String> offered = new ArrayList<>();
        for (java.util.Iterator<?> i = challenge.getHeaders("WWW-Authenticate"); i.hasNext(); ) {
            offered.add(((gov.nist.javax.sip.header.SIPHeader) i.next()).getHeaderValue());
        }
        DigestAnswer.Challenge chosen = DigestAnswer.choose(offered, "MD5".equals(algorithm)
                ? DigestAnswer.Preference.MD5 : DigestAnswer.Preference.SHA256).orElseThrow(() -> new AssertionError(
                        "no " + algorithm + " challenge in " + offered));
        return "Authorization: " + DigestAnswer.authorization(chosen, "REGISTER", uri, user, password, nc, "c" + nc);
    }

    static String[] with(String[] extra, String line) {
        String[] all = java.util.Arrays.copyOf(extra, extra.length + 1);
        all[extra.length] = line;
        return all;
    }

    public SIPResponse send(String message) throws Exception {
        write(message);
        return (SIPResponse) readMessage();
    }

    public void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads exactly {@code count} bytes (a pong is two). */
    public String readRaw(int count) throws IOException {
        return new String(in.readNBytes(count), StandardCharsets.ISO_8859_1);
    }

    public SIPMessage readMessage() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the hub closed the connection");
            }
            if (buffer.size() == 0 && (b == '\r' || b == '\n')) {
                continue;
            }
            buffer.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        String headers = buffer.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        buffer.write(in.readNBytes(length));
        return new StringMsgParser().parseSIPMessage(buffer.toByteArray(), true, false, null);
    }

    /** True when the hub has closed the connection (reads end). */
    public boolean closedByHub() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
