package io.hub.phone.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;

/**
 * A connection that ends gives back its TLS engine's descriptors: Conscrypt's engine holds a pipe until
 * it is closed both ways, or until the collector finalises it, and a fleet of thousands of phones
 * retrying against a slow server ran out of descriptors waiting for the collector.
 */
class TlsConnectionTest {

    private static final int CONNECTIONS = 200;

    @Test
    void connectionsEndedBeforeOrDuringTheirHandshakeLeaveNoEnginePipeBehind() throws Exception {
        SSLContext conscrypt = SSLContext.getInstance("TLS", Conscrypt.newProvider());
        conscrypt.init(null, null, null);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // A server that takes the connections and never answers: their handshakes wait.
        try (ServerSocket silent = new ServerSocket(0, CONNECTIONS * 2, loopback);
                NetLoop loop = new NetLoop("tls-test")) {
            int refusing; // bound while the silent server holds its port, so never that one
            try (ServerSocket closed = new ServerSocket(0, 1, loopback)) {
                refusing = closed.getLocalPort();
            }
            long pipesBefore = descriptorKinds().getOrDefault("pipe", 0L);
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

            // Each waiting connection's handshake has begun: the server reads the first byte of its hello.
            List<Socket> accepted = new ArrayList<>();
            silent.setSoTimeout(30_000);
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket socket = silent.accept();
                    accepted.add(socket);
                    socket.setSoTimeout(30_000);
                    assertEquals(22, socket.getInputStream().read(), "a TLS handshake record");
                }

                onLoop(loop, () -> {
                    waiting.forEach(connection -> connection.close("the test gives up"));
                    return null;
                });
            } finally {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }

            assertTrue(ended.await(30, TimeUnit.SECONDS), "every connection told its end");
            // Counted are pipes, what an engine holds: a socket closed while registered with the selector is
            // given back at the selector's next select, a matter of the loop's timing, not of the engine.
            long after = onLoop(loop, () -> descriptorKinds().getOrDefault("pipe", 0L));
            assertTrue(after - pipesBefore < CONNECTIONS / 10, "pipes open before " + pipesBefore + ", after " + after
                    + ", for " + 2 * CONNECTIONS + " connections ended; descriptors now: " + descriptorKinds());
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

    /** This process's open descriptors, counted by kind: socket, pipe, anon_inode, file. */
    private static Map<String, Long> descriptorKinds() {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.map(descriptor -> {
                try {
                    String target = Files.readSymbolicLink(descriptor).toString();
                    return target.contains(":") ? target.substring(0, target.indexOf(':')) : "file";
                } catch (IOException gone) {
                    return "closed meanwhile";
                }
            }).collect(Collectors.groupingBy(kind -> kind, TreeMap::new, Collectors.counting()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list this process's descriptors: " + e.getMessage(), e);
        }
    }

    @Test
    void theCountSeesAPipe() throws Exception {
        long before = descriptorKinds().getOrDefault("pipe", 0L);
        Pipe pipe = Pipe.open();
        try {
            assertEquals(before + 2, descriptorKinds().getOrDefault("pipe", 0L), "its two ends");
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
        assertEquals(before, descriptorKinds().getOrDefault("pipe", 0L));
    }
}
