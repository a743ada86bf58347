package io.hub.sip.transport;

/**
 * What a {@link Flow} needs of the connection under it: a TLS or TCP {@link Connection} on the SIP
 * ports, or a WebSocket on the web port ({@link WebSocketFlow}, RFC 7118). The flow's rules are the
 * same whichever carries it.
 */
interface FlowLink {

    /** Writes one whole message down the link without blocking; false when the link is gone. */
    boolean send(byte[] bytes);

    boolean isOpen();

    /** Closes the link; {@code reason}, when not null, is counted as a refusal. */
    void close(String why, RefusalReason reason);

    /**
     * Closes the link now, while its handler is held on the flow's turn (a parse given up on);
     * {@code reason} is counted as a refusal. The handler hears of the close once that turn ends,
     * if ever. A link whose close never waits for its handler's turn just closes.
     */
    default void drop(String why, RefusalReason reason) {
        close(why, reason);
    }

    /** A phone registered on the link's flow. */
    void registered();
}
