package io.hub.sip.transport;

import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.hub.pki.DeviceCertificateValidator;
import io.hub.pki.DeviceValidation;
import io.hub.pki.tls.ServerTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for phones' SIP connections over TLS (and, for testers, plain TCP), one thread per
 * connection. Each connection is a {@link Flow}: framed by {@link SipFraming}, keepalive pings
 * answered with a pong, messages parsed by JAIN-SIP's parser under a time limit, requests handed
 * to the {@link SipHandler}.
 *
 * <p>The handshake has a deadline; a client certificate is wanted, let through, and judged by the
 * PKI's validator once per connection. A connection silent past its flow's idle timeout is closed.
 * Malformed messages are answered 400 when they can be, dropped otherwise; a connection that keeps
 * sending them, or breaks the framing, is closed. Nothing a peer sends stops the server.
 */
public final class SipServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SipServer.class);
    private static final int MAX_BAD_MESSAGES = 10;
    private static final long PARSE_LIMIT_MILLIS = 1_000;

    /**
     * @param handshakeTimeout how long a client may take to finish the TLS handshake
     * @param defaultIdleTimeout how long a flow may stay silent before a phone registers on it
     * @param maxConnections connections beyond this are closed at once
     * @param density requests (and new connections) per source address and window, flows of
     *     registered phones not counted; high enough that an office of phones behind one NAT can
     *     boot together (each needs a connection and two REGISTERs), low enough to stop a flood
     * @param densityWindow the window of {@code density}
     */
    public record Limits(Duration handshakeTimeout, Duration defaultIdleTimeout, int maxConnections, int density,
            Duration densityWindow) {
        public static Limits standard() {
            return new Limits(Duration.ofSeconds(10), Duration.ofSeconds(60), 20_000, 400, Duration.ofSeconds(2));
        }
    }

    private final SipHandler handler;
    private final DeviceCertificateValidator validator;
    private final Clock clock;
    private final Limits limits;
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final ExecutorService connections = Executors.newCachedThreadPool(daemon("sip-flow"));
    private final ExecutorService parsers = Executors.newFixedThreadPool(2, daemon("sip-parse"));
    private final Semaphore slots;
    private final DensityGuard density;
    private final MeterRegistry metrics;
    private volatile boolean closed;

    public SipServer(SipHandler handler, DeviceCertificateValidator validator, Clock clock, Limits limits,
            MeterRegistry metrics) {
        this.metrics = metrics;
        this.handler = handler;
        this.validator = validator;
        this.clock = clock;
        this.limits = limits;
        this.slots = new Semaphore(limits.maxConnections());
        this.density = new DensityGuard(limits.density(), limits.densityWindow(), clock);
    }

    /** Starts listening for SIP over TLS; returns the bound port (useful with port 0). */
    public int listenTls(InetAddress bind, int port, SSLContext tls) throws IOException {
        SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(port, 512, bind);
        socket.setSSLParameters(ServerTls.parameters(tls, true));
        return listen(socket, "TLS");
    }

    /** Starts listening for plain SIP over TCP (testers only); returns the bound port. */
    public int listenTcp(InetAddress bind, int port) throws IOException {
        return listen(new ServerSocket(port, 512, bind), "TCP");
    }

    private int listen(ServerSocket socket, String transport) {
        listeners.add(socket);
        Thread acceptor = new Thread(() -> accept(socket, transport), "sip-accept-" + transport.toLowerCase());
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("sip listening transport={} address={}", transport, socket.getLocalSocketAddress());
        return socket.getLocalPort();
    }

    private void accept(ServerSocket listener, String transport) {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("sip accept failed transport={}: {}", transport, e.getMessage());
                }
                continue;
            }
            if (!density.allow(socket.getInetAddress())) {
                LOG.info("sip connection refused from {}: over the request density", socket.getInetAddress());
                quietly(socket);
                continue;
            }
            if (!slots.tryAcquire()) {
                LOG.warn("sip connection refused: {} connections open", limits.maxConnections());
                quietly(socket);
                continue;
            }
            try {
                connections.execute(() -> {
                    try {
                        serve(socket, transport);
                    } finally {
                        slots.release();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                slots.release();
                quietly(socket);
            }
        }
    }

    private void serve(Socket socket, String transport) {
        Flow flow;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) limits.handshakeTimeout().toMillis());
            String cipher = "";
            DeviceValidation certificate = validator.validate(List.of(), Optional.empty());
            if (socket instanceof SSLSocket tls) {
                tls.startHandshake();
                cipher = tls.getSession().getCipherSuite();
                certificate = validator.validate(peerChain(tls), Optional.empty());
            }
            flow = new Flow(socket, transport, cipher, certificate, clock.instant(),
                    limits.defaultIdleTimeout().toMillis());
            flow.idleTimeout(limits.defaultIdleTimeout().toMillis());
        } catch (IOException e) {
            LOG.debug("sip handshake failed from {}: {}", socket.getRemoteSocketAddress(), e.getMessage());
            quietly(socket);
            return;
        }
        String why = read(flow, socket);
        // Bindings lose the flow before the phone can see it closed, so a quick reconnect wins.
        handler.flowClosed(flow, why);
        flow.close();
    }

    /** Reads the flow until it ends; returns why it ended. */
    private String read(Flow flow, Socket socket) {
        int bad = 0;
        try {
            SipFraming framing = new SipFraming(new java.io.BufferedInputStream(socket.getInputStream(), 8192));
            while (true) {
                SipFraming.Unit unit = framing.next();
                if (unit instanceof SipFraming.End) {
                    return "closed by the peer";
                }
                if (unit instanceof SipFraming.Ping) {
                    LOG.debug("sip keepalive ping {}", flow);
                    metrics.counter("hub.sip.keepalives").increment();
                    flow.heard(clock.instant(), true);
                    flow.send("\r\n");
                    continue;
                }
                flow.heard(clock.instant(), false);
                byte[] bytes = ((SipFraming.Message) unit).bytes();
                if (!dispatch(bytes, flow)) {
                    metrics.counter("hub.sip.refused", "reason", "malformed").increment();
                    if (++bad >= MAX_BAD_MESSAGES) {
                        return MAX_BAD_MESSAGES + " malformed messages";
                    }
                }
            }
        } catch (SipFraming.FramingException e) {
            flow.send("SIP/2.0 " + e.status + " " + (e.status == 513 ? "Message Too Large" : "Bad Request")
                    + "\r\nContent-Length: 0\r\n\r\n");
            return "framing: " + e.getMessage();
        } catch (SocketTimeoutException e) {
            return "silent for " + flow.idleTimeoutMillis() / 1000 + " s";
        } catch (IOException e) {
            return "broken: " + e.getMessage();
        }
    }

    /** Parses and hands over one message; false when it was malformed. */
    private boolean dispatch(byte[] bytes, Flow flow) {
        ParseResult parsed = parse(bytes);
        Optional<StrictSyntax.Violation> violation = StrictSyntax.check(bytes);
        if (violation.isPresent()) {
            LOG.info("sip message refused {}: {}", flow, violation.get().reason());
            if (parsed.message instanceof SIPRequest request && answerable(request)
                    && !"ACK".equals(request.getMethod())) {
                flow.send(request.createResponse(violation.get().status(), violation.get().status() == 505
                        ? "Version Not Supported" : "Bad Request").encode());
            }
            return false;
        }
        if (parsed.message instanceof SIPRequest request && !flow.trusted()
                && !density.allow(flow.remote().getAddress())) {
            if (answerable(request) && !"ACK".equals(request.getMethod())) {
                flow.send(busy(request, density.retryAfterSeconds(flow.remote().getAddress())).encode());
            }
            LOG.debug("sip request refused {}: over the request density", flow);
            metrics.counter("hub.sip.refused", "reason", "density").increment();
            return true;
        }
        if (parsed.message instanceof SIPRequest request) {
            if (parsed.errors.isEmpty() && request.getTopmostVia() != null && request.getCSeq() != null) {
                try {
                    handler.request(request, flow);
                } catch (RuntimeException e) {
                    // A bug, not the phone's fault: answer 500, keep the flow, keep the trace.
                    LOG.error("sip {} from {} failed", request.getMethod(), flow, e);
                    if (!"ACK".equals(request.getMethod())) {
                        flow.send(request.createResponse(500, "Server Internal Error").encode());
                    }
                }
                return true;
            }
            answerBadRequest(request, parsed.errors, flow);
            return false;
        }
        if (parsed.message instanceof SIPResponse response && parsed.errors.isEmpty()) {
            handler.response(response, flow);
            return true;
        }
        LOG.info("sip malformed message dropped {}: {}", flow, parsed.errors.isEmpty() ? "unparsable"
                : parsed.errors.get(0));
        return false;
    }

    private static SIPResponse busy(SIPRequest request, long seconds) {
        SIPResponse busy = request.createResponse(503, "Service Unavailable");
        RetryAfter retryAfter = new RetryAfter();
        try {
            retryAfter.setRetryAfter((int) Math.min(Integer.MAX_VALUE, seconds));
        } catch (javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        busy.setHeader(retryAfter);
        return busy;
    }

    private static boolean answerable(SIPRequest request) {
        return request.getTopmostVia() != null && request.getCSeq() != null && request.getCallId() != null
                && request.getFrom() != null && request.getTo() != null;
    }

    private void answerBadRequest(SIPRequest request, List<String> errors, Flow flow) {
        boolean answerable = answerable(request);
        String reason = errors.isEmpty() ? "missing Via or CSeq" : errors.get(0);
        LOG.info("sip malformed request {} {}: {}", request.getMethod(), flow, reason);
        if (answerable && !"ACK".equals(request.getMethod())) {
            SIPResponse response = request.createResponse(400, "Bad Request");
            flow.send(response.encode());
        }
    }

    private ParseResult parse(byte[] bytes) {
        List<String> errors = new ArrayList<>();
        Future<SIPMessage> task = parsers.submit(() -> new StringMsgParser().parseSIPMessage(bytes, true, false,
                (exception, message, headerClass, header, text) -> errors.add(
                        (headerClass == null ? "header" : headerClass.getSimpleName()) + ": "
                                + String.valueOf(header).strip())));
        try {
            return new ParseResult(task.get(PARSE_LIMIT_MILLIS, TimeUnit.MILLISECONDS), errors);
        } catch (TimeoutException e) {
            task.cancel(true);
            errors.add("parsing took longer than " + PARSE_LIMIT_MILLIS + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            errors.add(e.getCause() instanceof ParseException parse ? parse.getMessage()
                    : String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.add("interrupted");
        }
        return new ParseResult(null, errors);
    }

    private static List<X509Certificate> peerChain(SSLSocket socket) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : socket.getSession().getPeerCertificates()) {
                if (certificate instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocket listener : listeners) {
            quietly(listener);
        }
        connections.shutdownNow();
        parsers.shutdownNow();
    }

    private static void quietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Closing is all that is wanted.
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private record ParseResult(SIPMessage message, List<String> errors) {
    }

    /** The local address a listener is bound to, for logs and tests. */
    public List<InetSocketAddress> addresses() {
        return listeners.stream().map(l -> (InetSocketAddress) l.getLocalSocketAddress()).toList();
    }
}
