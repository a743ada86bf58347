package io.hub.sip.call;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a callee's contact is a WebRTC endpoint, offered DTLS-SRTP instead of SDES: its URI says
 * {@code transport=ws} or {@code transport=wss}, as every SIP-over-WebSocket client writes it (RFC 7118
 * §5; JsSIP and SIP.js do). A desk phone's contact never does, so it is never offered DTLS.
 */
final class WebRtcContact {

    private static final Pattern WEBSOCKET = Pattern.compile(";transport=wss?(;|>|$)");

    private WebRtcContact() {
    }

    static boolean is(String contactUri) {
        return contactUri != null && WEBSOCKET.matcher(contactUri.toLowerCase(Locale.ROOT)).find();
    }
}
