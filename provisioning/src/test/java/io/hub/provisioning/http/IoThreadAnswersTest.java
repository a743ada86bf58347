package io.hub.provisioning.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.TlsProvider;
import io.hub.provisioning.HttpLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests memory can answer are handled on the thread that read them; the others go to the pool,
 * where they may block without stopping the reading of other connections; and work that may block
 * is moved off the reading thread.
 */
class IoThreadAnswersTest {

    /** Paths under this are answerable from memory in these tests; every other path may block. */
    private static final String MEMORY = "/memory/";
    private static final long WAIT_SECONDS = 10;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final ExecutorService clients = Executors.newFixedThreadPool(2);
    private Server server;

    @AfterEach
    void stop() throws Exception {
        clients.shutdownNow();
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aRequestThatBlocksOnThePoolDoesNotStopTheOnlyReadingThreadFromAnsweringAnother() throws Exception {
        CountDownLatch blockingStarted = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        start(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (Request.getPathInContext(request).startsWith(MEMORY)) {
                    released.countDown();
                } else {
                    blockingStarted.countDown();
                    if (!released.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        // The answer from memory never came: the reading thread was held by this request.
                        response.setStatus(504);
                        response.write(true, null, callback);
                        return true;
                    }
                }
                response.setStatus(200);
                response.write(true, null, callback);
                return true;
            }
        });

        Future<Integer> blocking = clients.submit(() -> status("/blocking"));
        assertTrue(blockingStarted.await(WAIT_SECONDS, TimeUnit.SECONDS), "the blocking request reached its handler");
        Future<Integer> fromMemory = clients.submit(() -> status(MEMORY + "release"));

        assertEquals(200, fromMemory.get(WAIT_SECONDS * 2, TimeUnit.SECONDS));
        assertEquals(200, blocking.get(WAIT_SECONDS * 2, TimeUnit.SECONDS));
        assertEquals(1.0, answered("io"));
        assertEquals(1.0, answered("pool"));
    }

    @Test
    void theServerTellsJettyItsHandlerNeverBlocks() throws Exception {
        start(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                callback.succeeded();
                return true;
            }
        });

        assertEquals(Invocable.InvocationType.NON_BLOCKING, server.getInvocationType());
    }

    @Test
    void blockingWorkOfARequestOnTheReadingThreadRunsOnThePoolAndOnThePoolItRunsInPlace() throws Exception {
        AtomicReference<Thread> handlerOfMemory = new AtomicReference<>();
        AtomicReference<Thread> workOfMemory = new AtomicReference<>();
        AtomicReference<Thread> handlerOfPool = new AtomicReference<>();
        AtomicReference<Thread> workOfPool = new AtomicReference<>();
        start(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                boolean memory = Request.getPathInContext(request).startsWith(MEMORY);
                (memory ? handlerOfMemory : handlerOfPool).set(Thread.currentThread());
                IoThreadAnswers.offIoThread(request, () -> {
                    (memory ? workOfMemory : workOfPool).set(Thread.currentThread());
                    response.setStatus(memory == IoThreadAnswers.onIoThread(request) ? 200 : 500);
                    response.write(true, null, callback);
                });
                return true;
            }
        });

        assertEquals(200, status(MEMORY + "work"));
        assertEquals(200, status("/work"));

        assertNotSame(handlerOfMemory.get(), workOfMemory.get());
        assertSame(handlerOfPool.get(), workOfPool.get());
    }

    @Test
    void aHandlerFailureOnThePoolIsAnswered500AndOneThatHandlesNothingIs404() throws Exception {
        start(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (Request.getPathInContext(request).equals("/fails")) {
                    throw new IllegalStateException("a fault");
                }
                return false;
            }
        });

        assertEquals(500, status("/fails"));
        assertEquals(404, status("/nothing"));
    }

    @Test
    void aPortWhoseHandlerAnswersOnTheReadingThreadsHasOneOfThemPerCore(@TempDir Path home) throws Exception {
        HubPki pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
        Handler answering = new IoThreadAnswers("test", request -> true, metrics, new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                callback.succeeded();
                return true;
            }
        });
        Server inline = HttpsServers.create("inline", "127.0.0.1", 0, pki.serverCredentials(), true, answering, HttpLimits.standard(), TlsProvider.JDK,
                Clock.systemUTC(), metrics);
        Server pooled = HttpsServers.create("pooled", "127.0.0.1", 0, pki.serverCredentials(), true, new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) {
                        callback.succeeded();
                        return true;
                    }
                }, HttpLimits.standard(), TlsProvider.JDK, Clock.systemUTC(), metrics);

        assertEquals(Runtime.getRuntime().availableProcessors(), selectors(inline));
        assertTrue(selectors(pooled) <= Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                "Jetty's default for a pooled port");
    }

    private static int selectors(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getSelectorManager().getSelectorCount();
    }

    /** A plain HTTP server with one acceptor and one reading thread, {@code handler} behind the wrapper. */
    private void start(Handler handler) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new IoThreadAnswers("test",
                request -> Request.getPathInContext(request).startsWith(MEMORY), metrics, handler));
        server.start();
    }

    private double answered(String thread) {
        return metrics.get(IoThreadAnswers.ANSWERED).tags("port", "test", "thread", thread).counter().count();
    }

    /** The status of one GET on a connection of its own. */
    private int status(String path) throws Exception {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS * 2));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0 && b != '\n' && head.size() < 200; b = in.read()) {
                head.write(b);
            }
            String statusLine = head.toString(StandardCharsets.US_ASCII);
            assertTrue(statusLine.startsWith("HTTP/1.1 "), statusLine);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
