package io.hub.sip.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web port's {@code /sip} endpoint (RFC 7118): a WebSocket upgrade that offers the subprotocol
 * {@code sip} is a {@link WebSocketFlow} of the given {@link SipServer}; one that does not offer it
 * is refused (403) and counted. A text frame longer than one SIP message may be (the TLS framing's
 * header and body bounds) closes the WebSocket with 1009, counted as framing.
 */
public final class SipWebSocketUpgrade {

    /** The path browsers open: {@code wss://HOST:WEBPORT/sip}. */
    public static final String PATH = "/sip";
    /** The subprotocol RFC 7118 registers; a browser SIP library always offers it. */
    public static final String SUBPROTOCOL = "sip";
    /** The largest text frame taken: a SIP message's header and body bounds on the TLS ports. */
    public static final int MAX_FRAME_BYTES = SipFraming.MAX_HEADER_BYTES + SipFraming.MAX_BODY_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(SipWebSocketUpgrade.class);

    private SipWebSocketUpgrade() {
    }

    /**
     * A handler for {@code jetty} that upgrades {@link #PATH} into SIP flows of {@code sip}; requests
     * for other paths go to the handler set as its next one.
     */
    public static WebSocketUpgradeHandler handler(Server jetty, SipServer sip) {
        return handler(jetty, sip, null);
    }

    /**
     * {@link #handler(Server, SipServer)} whose WebSockets tell {@code guard} (the web port's caps and
     * deadlines, a listener of its connector) when they are upgraded and when a phone registers on them.
     */
    public static WebSocketUpgradeHandler handler(Server jetty, SipServer sip, WebPortGuard guard) {
        return WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxTextMessageSize(MAX_FRAME_BYTES);
            container.setMaxFrameSize(MAX_FRAME_BYTES);
            container.setIdleTimeout(Duration.ofMillis(sip.limits().defaultIdleTimeout().toMillis()));
            container.addMapping(PATH, (request, response, callback) -> {
                SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
                if (!request.getSubProtocols().contains(SUBPROTOCOL)) {
                    LOG.info("sip websocket refused {}: no sip subprotocol offered", remote);
                    sip.refused(RefusalReason.WS_SUBPROTOCOL);
                    response.setStatus(403);
                    callback.succeeded();
                    return null;
                }
                response.setAcceptedSubProtocol(SUBPROTOCOL);
                return new WebSocketFlow(sip, (InetSocketAddress) remote,
                        (InetSocketAddress) request.getConnectionMetaData().getLocalSocketAddress(), guard);
            });
        });
    }
}
