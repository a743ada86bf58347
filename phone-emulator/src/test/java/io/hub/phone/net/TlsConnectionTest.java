package io.hub.phone.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;

/**
 * A connection that ends gives back every descriptor it held, its TLS engine's included: Conscrypt's
 * engine holds a pipe until it is closed both ways, or until the collector finalises it, and a fleet of
 * thousands of phones retrying against a slow server ran out of descriptors waiting for the collector.
 */
class TlsConnectionTest {

    private static final int CONNECTIONS = 200;

    @Test
    void connectionsEndedBeforeTheirHandshakeLeaveNoDescriptorBehind() throws Exception {
        SSLContext conscrypt = SSLContext.getInstance("TLS", Conscrypt.newProvider());
        conscrypt.init(null, null, null);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int refusing;
        try (ServerSocket closed = new ServerSocket(0, 1, loopback)) {
            refusing = closed.getLocalPort();
        }
        // A server that takes connections into its backlog and never speaks: the handshakes wait.
        try (ServerSocket silent = new ServerSocket(0, CONNECTIONS * 2, loopback);
                NetLoop loop = new NetLoop("tls-test")) {
            long before = openDescriptors();
            CountDownLatch ended = new CountDownLatch(2 * CONNECTIONS);
            List<TlsConnection> waiting = onLoop(loop, () -> {
                List<TlsConnection> connections = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    connections.add(TlsConnection.connect(loop, new InetSocketAddress(loopback, silent.getLocalPort()),
                            null, conscrypt, "localhost", Duration.ofMinutes(5), counting(ended)));
                    TlsConnection.connect(loop, new InetSocketAddress(loopback, refusing), null, conscrypt,
                            "localhost", Duration.ofMinutes(5), counting(ended));
                }
                return connections;
            });

            onLoop(loop, () -> {
                waiting.forEach(connection -> connection.close("the test gives up"));
                return null;
            });

            assertTrue(ended.await(30, TimeUnit.SECONDS), "every connection told its end");
            // A socket closed while registered with the selector gives its descriptor back at the selector's
            // next select, so the count is taken again after the loop went round; an engine's pipe never comes
            // back that way.
            long after = onLoop(loop, TlsConnectionTest::openDescriptors);
            for (int round = 0; round < 10 && after - before >= CONNECTIONS / 10; round++) {
                after = onLoop(loop, TlsConnectionTest::openDescriptors);
            }
            assertTrue(after - before < CONNECTIONS / 10, "descriptors open before " + before + ", after " + after
                    + ", for " + 2 * CONNECTIONS + " connections ended");
        }
    }

    private static TlsConnection.Listener counting(CountDownLatch ended) {
        return new TlsConnection.Listener() {
            @Override
            public void opened(TlsConnection connection) {
            }

            @Override
            public void received(ByteBuffer data) {
            }

            @Override
            public void closed(String why) {
                ended.countDown();
            }
        };
    }

    private static <T> T onLoop(NetLoop loop, java.util.function.Supplier<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }

    private static long openDescriptors() {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot count this process's descriptors: " + e.getMessage(), e);
        }
    }

    @Test
    void theCountOfDescriptorsSeesANewOne() throws Exception {
        long before = openDescriptors();
        try (ServerSocket one = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(before + 1, openDescriptors());
        }
    }
}
