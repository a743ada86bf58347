package io.hub.provisioning.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hub.pki.HubPki;
import io.hub.pki.HubTlsEngines;
import io.hub.pki.InMemoryHandshake;
import io.hub.pki.KeyType;
import io.hub.pki.TlsProvider;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The wrap of a response's head and body, on the engines the hub's HTTPS ports run (the OpenSSL
 * engine, which makes a record per buffer, and the JDK's), after a real handshake in memory: the
 * records the connection makes are read back by a client engine.
 */
class OneRecordSslConnectionTest {

    private static final byte[] HEAD = "HTTP/1.1 200 OK\r\nContent-Length: 886\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path home;
    private static HubPki pki;

    @BeforeAll
    static void pki() {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"TCNATIVE", "JDK"})
    void aSmallHeadAndBodyGoOutAsOneRecordAndTheBuffersAreTaken(TlsProvider provider) throws Exception {
        Engines engines = handshake(provider);
        ByteBuffer head = ByteBuffer.wrap(HEAD);
        ByteBuffer body = ByteBuffer.allocateDirect(886);
        body.put(filled(886, (byte) 'x')).flip();
        ByteBuffer wire = ByteBuffer.allocate(1 << 16);

        SSLEngineResult result = engines.connection.wrap(engines.server, new ByteBuffer[] {head, body}, wire);

        assertEquals(SSLEngineResult.Status.OK, result.getStatus());
        assertEquals(HEAD.length + 886, result.bytesConsumed());
        assertFalse(head.hasRemaining());
        assertFalse(body.hasRemaining());
        wire.flip();
        assertEquals(1, records(wire), "one record");
        assertArrayEquals(concat(HEAD, filled(886, (byte) 'x')), engines.read(wire));
    }

    /** What the OpenSSL engine does without the join: Jetty would send each of these records on its own. */
    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"TCNATIVE"})
    void theOpenSslEngineAloneMakesARecordPerBuffer(TlsProvider provider) throws Exception {
        Engines engines = handshake(provider);
        ByteBuffer wire = ByteBuffer.allocate(1 << 16);

        SSLEngineResult result = engines.server.wrap(new ByteBuffer[] {ByteBuffer.wrap(HEAD),
                ByteBuffer.wrap(filled(886, (byte) 'x'))}, wire);

        assertEquals(HEAD.length, result.bytesConsumed(), "the head alone");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"TCNATIVE", "JDK"})
    void writesTooLargeForOneRecordAreWrappedAsTheyCome(TlsProvider provider) throws Exception {
        Engines engines = handshake(provider);
        byte[] large = filled(OneRecordSslConnection.MAX_JOINED, (byte) 'f');
        ByteBuffer head = ByteBuffer.wrap(HEAD);
        ByteBuffer body = ByteBuffer.wrap(large);
        ByteBuffer wire = ByteBuffer.allocate(1 << 17);

        for (int call = 0; call < 10 && (head.hasRemaining() || body.hasRemaining()); call++) {
            engines.connection.wrap(engines.server, new ByteBuffer[] {head, body}, wire);
        }

        assertFalse(body.hasRemaining());
        wire.flip();
        assertEquals(2, records(wire), "cut as the engine cuts them, not joined");
        assertArrayEquals(concat(HEAD, large), engines.read(wire));
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"TCNATIVE", "JDK"})
    void aWrapWithNoRoomTakesNothingFromTheBuffers(TlsProvider provider) throws Exception {
        Engines engines = handshake(provider);
        ByteBuffer head = ByteBuffer.wrap(HEAD);
        ByteBuffer body = ByteBuffer.wrap(filled(886, (byte) 'x'));

        SSLEngineResult result = engines.connection.wrap(engines.server, new ByteBuffer[] {head, body},
                ByteBuffer.allocate(100));

        assertEquals(SSLEngineResult.Status.BUFFER_OVERFLOW, result.getStatus());
        assertEquals(HEAD.length, head.remaining());
        assertEquals(886, body.remaining());
    }

    /** The server's engine, its connection, and a client engine that has finished its handshake with it. */
    private record Engines(SSLEngine server, SSLEngine client, OneRecordSslConnection connection) {
        /** The plaintext of every record in {@code wire}. */
        byte[] read(ByteBuffer wire) throws Exception {
            ByteBuffer plain = ByteBuffer.allocate(1 << 17);
            for (int round = 0; round < 20 && wire.hasRemaining(); round++) {
                client.unwrap(wire, plain);
            }
            return Arrays.copyOf(plain.array(), plain.position());
        }
    }

    private Engines handshake(TlsProvider provider) throws Exception {
        SSLEngine server = HubTlsEngines.server(pki, provider, false);
        SSLEngine client = HubTlsEngines.clientTrustingHubCa(pki, null).createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        InMemoryHandshake.run(client, server);
        Engines engines = new Engines(server, client, new OneRecordSslConnection(new ArrayByteBufferPool(),
                Runnable::run, null, new ByteArrayEndPoint(), server, true, true));
        // The JDK's engine sends its TLS 1.3 session ticket with the first application data it wraps.
        ByteBuffer first = ByteBuffer.allocate(1 << 16);
        server.wrap(ByteBuffer.wrap(new byte[] {'.'}), first);
        assertArrayEquals(new byte[] {'.'}, engines.read(first.flip()));
        return engines;
    }


    /** TLS records in {@code wire}, read from their headers; the buffer is left as it was. */
    private static int records(ByteBuffer wire) {
        int count = 0;
        StringBuilder lengths = new StringBuilder();
        for (int at = wire.position(); at + 5 <= wire.limit(); count++) {
            assertEquals(23, wire.get(at), "application data, records" + lengths);
            int length = ((wire.get(at + 3) & 0xff) << 8) | (wire.get(at + 4) & 0xff);
            lengths.append(' ').append(length);
            at += 5 + length;
        }
        return count;
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
