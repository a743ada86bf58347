package io.hub.relay.dtls;

import java.util.Locale;

/**
 * Which end of the DTLS handshake the hub is on a leg, from the {@code a=setup} attributes (RFC 4145,
 * RFC 5763 §5): the "active" end is the DTLS client.
 */
public enum DtlsRole {
    /** The hub waits for the peer's ClientHello; its SDP says {@code a=setup:passive}. */
    SERVER,
    /** The hub sends the ClientHello; its SDP says {@code a=setup:active}. */
    CLIENT;

    /**
     * The hub's role when it answers an offer with {@code a=setup:<offered>}: passive for an actpass
     * offer, so the browser, which sent its ICE checks first, also starts DTLS (RFC 5763 §5 lets the
     * answerer choose; a passive hub can answer a ClientHello flood with stateless cookies).
     *
     * @throws IllegalArgumentException for a value other than active, passive, actpass (holdconn has no DTLS)
     */
    public static DtlsRole answering(String offered) {
        return switch (offered.strip().toLowerCase(Locale.ROOT)) {
            case "actpass", "active" -> SERVER;
            case "passive" -> CLIENT;
            default -> throw new IllegalArgumentException("a=setup:" + offered + " is not active, passive or actpass");
        };
    }

    /**
     * The hub's role when it answers a re-offer with {@code a=setup:<offered>} on a leg where it is
     * {@code current}: an actpass re-offer keeps the role in place, so the association in place can stay
     * (RFC 8842 §5.5); active or passive decide it as in a first offer.
     *
     * @throws IllegalArgumentException for a value other than active, passive, actpass
     */
    public static DtlsRole answeringAgain(String offered, DtlsRole current) {
        DtlsRole first = answering(offered);
        return offered.strip().equalsIgnoreCase("actpass") ? current : first;
    }

    /**
     * The hub's role after it offered {@code a=setup:actpass} and the peer answered {@code a=setup:<answered>}.
     *
     * @throws IllegalArgumentException for an answer that is not active or passive
     */
    public static DtlsRole offered(String answered) {
        return switch (answered.strip().toLowerCase(Locale.ROOT)) {
            case "active" -> SERVER;
            case "passive" -> CLIENT;
            default -> throw new IllegalArgumentException("an answer's a=setup is active or passive, not " + answered);
        };
    }

    /** The hub's own {@code a=setup} value for this role in an answer. */
    public String setupAttribute() {
        return this == SERVER ? "passive" : "active";
    }
}
