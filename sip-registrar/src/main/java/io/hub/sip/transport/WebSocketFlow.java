package io.hub.sip.transport;

import io.hub.pki.log.LogText;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's SIP over WebSocket (RFC 7118): a {@link Flow} like a TLS one, one SIP message per
 * text frame. Frames are handled on the WebSocket's own thread, one at a time and in order (the
 * next frame is demanded only when one is handled), so a slow handler holds up this flow alone.
 * A binary frame, an oversized frame or a frame that is not SIP closes or is answered as on a TLS
 * flow, counted under the same {@code hub.sip.refused} reasons. A browser presents no client
 * certificate: the flow's certificate verdict is {@code no-certificate}, and the registrar's digest
 * is what admits it.
 */
public final class WebSocketFlow implements Session.Listener.AutoDemanding, FlowLink {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFlow.class);

    private final SipServer server;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final WebPortGuard guard;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Session session;
    private volatile Flow flow;

    /** @param guard the web port's caps and deadlines, told of the upgrade and the registration; or null */
    WebSocketFlow(SipServer server, InetSocketAddress remote, InetSocketAddress local, WebPortGuard guard) {
        this.server = server;
        this.remote = remote;
        this.local = local;
        this.guard = guard;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        this.flow = new Flow(this, "WSS", "", requested -> server.validate(List.of(), requested), remote, local,
                server.clock().instant(), server.limits().defaultIdleTimeout().toMillis());
        LOG.info("sip websocket open {}", flow);
        if (guard != null) {
            guard.upgraded(remote, () -> closeUnregistered(guard.limits().registerDeadline().toSeconds()));
        }
    }

    /** The web port's register deadline passed with no phone registered here (counted by the guard). */
    private void closeUnregistered(long deadlineSeconds) {
        String why = "no phone registered within " + deadlineSeconds + " s";
        Session current = session;
        if (current != null) {
            current.close(StatusCode.POLICY_VIOLATION, why, Callback.NOOP);
        }
        closedBy(why);
    }

    @Override
    public void onWebSocketText(String message) {
        Flow current = flow;
        current.heard(server.clock().instant(), false);
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (!server.dispatcher().dispatch(bytes, current)) {
            server.refused(RefusalReason.MALFORMED);
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
        callback.succeed();
        close("a binary frame: SIP over WebSocket is text here", RefusalReason.FRAMING);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        if (statusCode == StatusCode.MESSAGE_TOO_LARGE) {
            LOG.info("sip websocket refused {}: oversized frame", flow);
            server.refused(RefusalReason.FRAMING);
        }
        closedBy(statusCode == StatusCode.NORMAL ? "closed by the browser" : "closed: " + statusCode + " "
                + (reason == null ? "" : reason));
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.info("sip websocket error {}: {}", flow, LogText.of(String.valueOf(cause.getMessage())));
    }

    @Override
    public boolean send(byte[] bytes) {
        Session current = session;
        if (current == null || closed.get() || !current.isOpen()) {
            return false;
        }
        current.sendText(new String(bytes, StandardCharsets.UTF_8), Callback.NOOP);
        return true;
    }

    @Override
    public boolean isOpen() {
        Session current = session;
        return current != null && !closed.get() && current.isOpen();
    }

    @Override
    public void close(String why, RefusalReason reason) {
        if (reason != null && !closed.get()) {
            server.refused(reason);
            LOG.info("sip websocket refused {}: {}", flow, LogText.of(why));
        }
        Session current = session;
        if (current != null) {
            current.close(reason == null ? StatusCode.NORMAL : StatusCode.POLICY_VIOLATION, why, Callback.NOOP);
        }
        closedBy(why);
    }

    @Override
    public void registered() {
        // Not held to the TLS ports' per-source cap of unregistered connections; the web port's guard
        // lifts its register deadline.
        if (guard != null) {
            guard.registered(remote);
        }
    }

    private void closedBy(String why) {
        Flow current = flow;
        if (current != null && closed.compareAndSet(false, true)) {
            try {
                server.handler().flowClosed(current, why);
            } catch (RuntimeException e) {
                LOG.error("sip flowClosed for {} failed", current, e);
            }
        }
    }
}
