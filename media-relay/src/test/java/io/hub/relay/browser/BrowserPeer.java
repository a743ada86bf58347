package io.hub.relay.browser;

import io.hub.phone.srtp.SrtpReceiver;
import io.hub.phone.srtp.SrtpSender;
import io.hub.phone.webrtc.BrowserDtlsClient;
import java.io.IOException;
import java.math.BigInteger;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A WebRTC browser's media end on loopback, for tests of the hub's DTLS-SRTP legs from outside: it
 * writes a Chromium-like offer ({@code UDP/TLS/RTP/SAVPF}, ICE credentials, a SHA-256 fingerprint of
 * its own self-signed ECDSA certificate, {@code a=setup:actpass}, rtcp-mux, {@code a=mid:0} in a
 * BUNDLE group), reads the hub's answer, runs the ICE check as the controlling agent, the DTLS
 * handshake as client with Bouncy Castle, and SRTP with the keys exported from it. Its crypto is its
 * own and the phone emulator's SRTP, never the hub's relay classes. Every wait is bounded.
 */
public final class BrowserPeer implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long WAIT_SECONDS = 10;

    private final DatagramSocket socket;
    private final Thread reader;
    private final BlockingQueue<byte[]> stun = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> dtls = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> media = new LinkedBlockingQueue<>();
    private final AtomicLong authFailures = new AtomicLong();
    private final List<DTLSTransport> associations = new CopyOnWriteArrayList<>();
    private final List<byte[]> dtlsReceived = new CopyOnWriteArrayList<>();
    private final List<byte[]> dtlsSent = new CopyOnWriteArrayList<>();
    private byte[] certificateDer;
    private AsymmetricKeyParameter privateKey;
    private String ufrag = token(8);
    private String password = token(24);
    private final int ssrc = RANDOM.nextInt();
    private byte[] offeredFingerprint;
    private volatile InetSocketAddress hub;
    private String hubUfrag;
    private String hubPassword;
    private byte[] hubFingerprint;
    private SrtpSender sender;
    private volatile SrtpReceiver receiver;
    private volatile int sendLimit = 1200;
    private final java.util.List<byte[]> clientHelloDatagrams = new java.util.concurrent.CopyOnWriteArrayList<>();

    private BrowserPeer(byte[] certificateDer, AsymmetricKeyParameter privateKey) throws IOException {
        this.certificateDer = certificateDer;
        this.privateKey = privateKey;
        this.offeredFingerprint = BrowserDtlsClient.sha256(certificateDer);
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        reader = new Thread(this::read, "test-browser-peer");
        reader.setDaemon(true);
        reader.start();
    }

    /** A browser with a fresh certificate, listening on a loopback port. */
    public static BrowserPeer start() throws Exception {
        Credentials fresh = credentials();
        return new BrowserPeer(fresh.der(), fresh.key());
    }

    /**
     * The browser takes a new certificate, as when its page makes a new RTCPeerConnection certificate:
     * its next offer or answer carries the new fingerprint, and its next handshake shows the new one.
     */
    public void newCertificate() throws Exception {
        Credentials fresh = credentials();
        certificateDer = fresh.der();
        privateKey = fresh.key();
        offeredFingerprint = BrowserDtlsClient.sha256(certificateDer);
    }

    /** An ICE restart (RFC 8445 §9): the next offer carries a new ufrag and password. */
    public void restartIce() {
        ufrag = token(8);
        password = token(24);
    }

    public String iceUfrag() {
        return ufrag;
    }

    private record Credentials(byte[] der, AsymmetricKeyParameter key) {
    }

    private static Credentials credentials() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=WebRTC");
        long now = System.currentTimeMillis();
        byte[] der = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(RANDOM.nextInt(Integer.MAX_VALUE) + 1L),
                new java.util.Date(now - 86_400_000L), new java.util.Date(now + 30 * 86_400_000L), name, pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
        return new Credentials(der, PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded())));
    }

    /**
     * From now on the offer names another certificate's fingerprint than the one the handshake shows:
     * what the hub sees when someone else than the signalling browser holds the media path.
     */
    public void offerAnotherFingerprint() {
        byte[] other = offeredFingerprint.clone();
        other[0] ^= 0x5a;
        offeredFingerprint = other;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The fingerprint the offer carries, as SDP writes it. */
    public String fingerprint() {
        return "sha-256 " + colons(offeredFingerprint);
    }

    /** A Chromium-like audio offer: G.711 µ-law and telephone-event, DTLS-SRTP, ICE, BUNDLE. */
    public String offer() {
        return offer("sendrecv");
    }

    /** {@link #offer()} with another direction: {@code sendonly} or {@code inactive} holds the call. */
    public String offer(String direction) {
        return description("actpass", direction);
    }

    /**
     * Reads the hub's DTLS-SRTP offer ({@link #read}) and answers it as Chromium does: {@code a=setup:active}
     * (the browser is the DTLS client), its own ICE credentials and fingerprint, the offer's mid bundled.
     */
    public String answer(String hubOffer) {
        return answer(hubOffer, "sendrecv");
    }

    /** {@link #answer(String)} with another direction, such as {@code recvonly} to a hold. */
    public String answer(String hubOffer, String direction) {
        read(hubOffer);
        return description("active", direction);
    }

    private String description(String setup, String direction) {
        int port = address().getPort();
        String host = address().getAddress().getHostAddress();
        return "v=0\r\n"
                + "o=- " + (RANDOM.nextLong() & Long.MAX_VALUE) + " 2 IN IP4 127.0.0.1\r\n"
                + "s=-\r\n"
                + "t=0 0\r\n"
                + "a=group:BUNDLE 0\r\n"
                + "a=msid-semantic: WMS\r\n"
                + "m=audio " + port + " UDP/TLS/RTP/SAVPF 0 101\r\n"
                + "c=IN IP4 " + host + "\r\n"
                + "a=rtcp:" + port + " IN IP4 " + host + "\r\n"
                + "a=candidate:1 1 udp 2122260223 " + host + " " + port + " typ host generation 0\r\n"
                + "a=ice-ufrag:" + ufrag + "\r\n"
                + "a=ice-pwd:" + password + "\r\n"
                + "a=ice-options:trickle\r\n"
                + "a=fingerprint:" + fingerprint() + "\r\n"
                + "a=setup:" + setup + "\r\n"
                + "a=mid:0\r\n"
                + "a=" + direction + "\r\n"
                + "a=rtcp-mux\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n";
    }

    /**
     * Reads the hub's answer: where to send, its ICE credentials and fingerprint.
     *
     * @throws IllegalArgumentException when the answer is not what a browser could take: not
     *     UDP/TLS/RTP/SAVPF, no fingerprint, no ICE credentials, a setup that makes the browser the DTLS
     *     server, no rtcp-mux, or another mid
     */
    public HubAnswer read(String answer) {
        HubAnswer parsed = HubAnswer.parse(answer);
        this.hub = parsed.media();
        this.hubUfrag = parsed.iceUfrag();
        this.hubPassword = parsed.icePassword();
        this.hubFingerprint = parsed.fingerprint();
        return parsed;
    }

    /**
     * The controlling agent's check to the hub's candidate, nominating it.
     *
     * @return the request sent, for a test to play it again from elsewhere
     * @throws IllegalStateException when the hub does not answer it with a success signed with its ice-pwd
     */
    public byte[] checkConnectivity() throws IOException, InterruptedException {
        byte[] id = IceCheck.transactionId();
        byte[] request = IceCheck.request(id, hubUfrag + ":" + ufrag, hubPassword);
        for (int attempt = 0; attempt < 3; attempt++) {
            socket.send(new DatagramPacket(request, request.length, hub));
            byte[] response = stun.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (response != null && IceCheck.answered(response, id, hubPassword)) {
                return request;
            }
        }
        throw new IllegalStateException("the hub did not answer the ICE check at " + hub);
    }

    /** A DTLS datagram that came to this browser within the wait, or null: for a test's own handshake bytes. */
    public byte[] nextDtls(long seconds) throws InterruptedException {
        return dtls.poll(seconds, TimeUnit.SECONDS);
    }

    /** Where the hub's answer said to send media: its relay port. */
    public InetSocketAddress hub() {
        return hub;
    }

    /**
     * From now on DTLS datagrams are at most {@code bytes} long, so the handshake fragments its messages
     * to fit: the ClientHello too, as Chromium's with a post-quantum key share spans two datagrams.
     */
    public void limitDatagramsTo(int bytes) {
        sendLimit = bytes;
    }

    /** Every datagram this browser sent that carried a fragment of its ClientHello, retransmissions included. */
    public java.util.List<byte[]> clientHelloDatagrams() {
        return java.util.List.copyOf(clientHelloDatagrams);
    }

    /**
     * The ClientHello fragment in a datagram's first record as {fragment offset, fragment length,
     * message length}, or null when that record is not a plaintext ClientHello fragment.
     */
    public static int[] clientHelloFragment(byte[] datagram) {
        if (datagram.length < 25 || datagram[0] != 22 || datagram[3] != 0 || datagram[4] != 0 || datagram[13] != 1) {
            return null;
        }
        return new int[] {uint24(datagram, 19), uint24(datagram, 22), uint24(datagram, 14)};
    }

    private static int uint24(byte[] data, int at) {
        return ((data[at] & 0xff) << 16) | ((data[at + 1] & 0xff) << 8) | (data[at + 2] & 0xff);
    }

    /** A STUN response that came to this browser within the wait, or null. */
    public byte[] nextStun(long seconds) throws InterruptedException {
        return stun.poll(seconds, TimeUnit.SECONDS);
    }

    /**
     * The DTLS handshake as client; on success the SRTP keys are set from the exported keying material.
     *
     * @throws IOException when the handshake fails (the hub refused the certificate, or timed out)
     */
    public void handshake() throws IOException {
        handshake(false);
    }

    /**
     * {@link #handshake()} as a browser that speaks DTLS 1.3 too: its ClientHello lists DTLS 1.3 and 1.2
     * in supported_versions and carries an x25519 key_share and psk_key_exchange_modes, as Chromium's
     * does (Bouncy Castle's client speaks DTLS 1.2 at most, so it goes on in the version the hub picks,
     * and fails if that is not 1.2). The records it sent and received are kept ({@link #dtlsReceived}).
     */
    public void handshakeOfferingDtls13() throws IOException {
        handshake(true);
    }

    private void handshake(boolean offerDtls13) throws IOException {
        BrowserDtlsClient client = new BrowserDtlsClient(new BcTlsCrypto(RANDOM), certificateDer, privateKey,
                hubFingerprint, offerDtls13);
        // A new association: what is left of an earlier one's flights is not this handshake's.
        dtls.clear();
        dtlsReceived.clear();
        dtlsSent.clear();
        associations.add(new DTLSClientProtocol().connect(client, new Transport()));
        BrowserDtlsClient.SrtpKeys keys = client.srtpKeys();
        sender = new SrtpSender(keys.sending());
        receiver = new SrtpReceiver(keys.receiving());
    }

    /** {@link #read}, {@link #checkConnectivity} and {@link #handshake}: the browser's media is up. */
    public void connect(String answer) throws IOException, InterruptedException {
        read(answer);
        checkConnectivity();
        handshake();
    }

    /** One 20 ms G.711 packet, its payload the sequence number's pattern, SRTP-protected, to the hub. */
    public void sendAudio(int sequence) throws IOException {
        byte[] packet = new byte[12 + 160 + 10];
        ByteBuffer rtp = ByteBuffer.wrap(packet);
        rtp.put((byte) 0x80).put((byte) 0).putShort((short) sequence).putInt(sequence * 160).putInt(ssrc);
        rtp.put(payload(sequence));
        rtp.flip();
        sender.protect(rtp);
        socket.send(new DatagramPacket(packet, rtp.limit(), hub));
    }

    /** What a sender puts in packet {@code sequence}, so a receiver can tell it heard it. */
    public static byte[] payload(int sequence) {
        byte[] payload = new byte[160];
        Arrays.fill(payload, (byte) (sequence * 7 + 1));
        return payload;
    }

    /**
     * The next SRTP packet from the hub that decrypts with the keys of the handshake, as RTP
     * (header and payload), or null when none came within the wait. Packets that do not authenticate
     * are counted ({@link #authFailures}) and skipped.
     */
    public byte[] receiveAudio() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            long left = deadline - System.nanoTime();
            byte[] packet = left <= 0 ? null : media.poll(left, TimeUnit.NANOSECONDS);
            if (packet == null) {
                return null;
            }
            if ((packet[1] & 0x7f) >= 72 && (packet[1] & 0x7f) <= 79) {
                continue; // RTCP on the muxed port
            }
            ByteBuffer buffer = ByteBuffer.wrap(packet);
            if (receiver.unprotect(buffer) == SrtpReceiver.Result.OK) {
                return Arrays.copyOf(packet, buffer.limit());
            }
            authFailures.incrementAndGet();
        }
    }

    public long authFailures() {
        return authFailures.get();
    }

    /** The DTLS datagrams the last handshake received from the hub, in order. */
    public List<byte[]> dtlsReceived() {
        return List.copyOf(dtlsReceived);
    }

    /** The DTLS datagrams the last handshake sent, in order (its ClientHello first). */
    public List<byte[]> dtlsSent() {
        return List.copyOf(dtlsSent);
    }

    /** Sends raw bytes from this browser's port: a test's foreign or replayed packet. */
    public void sendRaw(byte[] data, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    @Override
    public void close() {
        for (DTLSTransport association : associations) {
            try {
                association.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        socket.close();
    }

    private void read() {
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            byte[] data = Arrays.copyOf(packet.getData(), packet.getLength());
            int first = data.length == 0 ? -1 : data[0] & 0xff;
            // RFC 7983: 0-3 STUN, 20-63 DTLS, 128-191 RTP/RTCP.
            if (first >= 0 && first <= 3) {
                stun.add(data);
            } else if (first >= 20 && first <= 63) {
                dtls.add(data);
            } else if (first >= 128 && first <= 191) {
                media.add(data);
            }
        }
    }

    /** DTLS records to and from the hub's candidate on the browser's one port. */
    private final class Transport implements DatagramTransport {

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return sendLimit;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            try {
                byte[] record = dtls.poll(waitMillis, TimeUnit.MILLISECONDS);
                if (record == null) {
                    return -1;
                }
                dtlsReceived.add(record);
                int n = Math.min(len, record.length);
                System.arraycopy(record, 0, buf, off, n);
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            byte[] datagram = Arrays.copyOfRange(buf, off, off + len);
            dtlsSent.add(datagram);
            if (clientHelloFragment(datagram) != null) {
                clientHelloDatagrams.add(datagram);
            }
            socket.send(new DatagramPacket(buf, off, len, hub));
        }

        @Override
        public void close() {
            // the socket is the browser's, closed with it
        }
    }

    private static String token(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < length; i++) {
            token.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return token.toString();
    }

    static String colons(byte[] digest) {
        String hex = HexFormat.of().withUpperCase().formatHex(digest);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(hex, i, i + 2);
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}
