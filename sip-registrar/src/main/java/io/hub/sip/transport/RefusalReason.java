package io.hub.sip.transport;

/**
 * Why the transport refused a peer, one value per cause: the {@code reason} tag of the
 * {@code hub.sip.refused} counter, so its series stay few whatever peers send.
 */
enum RefusalReason {
    /** A source address over the request density (connections and unregistered requests). */
    DENSITY("density"),
    /**
     * A registered phone's flow over its own request budget: answered 503 unparsed, and closed when
     * it goes on far beyond it.
     */
    FLOW_DENSITY("flow-density"),
    /** A message the parser did not finish within its time limit (or one that did not before). */
    PARSE_TIMEOUT("parse-timeout"),
    /** A source held its cap of connections no phone registered on: the oldest of them gave way. */
    UNREGISTERED_CAP("unregistered-cap"),
    /** No phone registered on the connection within the register deadline (pings do not extend it). */
    REGISTER_DEADLINE("register-deadline"),
    /** Every connection slot was taken. */
    CONNECTIONS("connections"),
    /** The TLS handshake did not finish in time (or never started: a half-open connection). */
    HANDSHAKE_TIMEOUT("handshake-timeout"),
    /** The TLS handshake failed: no common protocol or suite, or not TLS at all. */
    HANDSHAKE_FAILED("handshake-failed"),
    /** A TLS 1.2 client asked to renegotiate. */
    RENEGOTIATION("renegotiation"),
    /** The stream broke the framing: oversized headers or body, a bad Content-Length, a stray CR. */
    FRAMING("framing"),
    /** A message that does not parse or breaks the RFC 3261 grammar. */
    MALFORMED("malformed"),
    /** A connection no phone registered on stayed silent past its limit (handshook, then said nothing). */
    SILENT("silent"),
    /** A message was begun and not finished in time. */
    SLOW_SENDER("slow-sender"),
    /** A WebSocket upgrade on the web port that did not offer the {@code sip} subprotocol (RFC 7118). */
    WS_SUBPROTOCOL("ws-subprotocol"),
    /** The peer did not read what the hub sent, past the bound of its output queue. */
    SLOW_READER("slow-reader"),
    /** A message for another node refused: the link's outbox to that node was full. */
    NODE_LINK_FULL("node-link-full"),
    /** A link to another node closed: a write to it made no progress past the write timeout. */
    NODE_LINK_STUCK("node-link-stuck");

    final String tag;

    RefusalReason(String tag) {
        this.tag = tag;
    }
}
