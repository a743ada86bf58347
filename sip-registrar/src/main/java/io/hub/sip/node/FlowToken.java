package io.hub.sip.node;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Names a phone's flow on another node: the binding it was registered with, by AOR and contact URI,
 * which is what that node finds the flow by. It travels as the user part of the Route header the
 * calling node puts on the INVITE ({@code Route: <sip:TOKEN@node;transport=tls;lr>}), in URL-safe
 * base64 so that no URI character of the contact has to be escaped.
 */
public record FlowToken(String aor, String contactUri) {

    private static final char SEPARATOR = '\n';

    public FlowToken {
        if (aor.indexOf(SEPARATOR) >= 0 || contactUri.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("a flow token names no line breaks");
        }
    }

    /** The token as a URI user part. */
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((aor + SEPARATOR + contactUri).getBytes(StandardCharsets.UTF_8));
    }

    /** The flow a URI user part names; empty when it is no token of this kind. */
    public static Optional<FlowToken> decode(String user) {
        if (user == null || user.isEmpty() || user.length() > 2048) {
            return Optional.empty();
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(user), StandardCharsets.UTF_8);
            int cut = text.indexOf(SEPARATOR);
            if (cut <= 0 || cut == text.length() - 1 || text.indexOf(SEPARATOR, cut + 1) >= 0) {
                return Optional.empty();
            }
            return Optional.of(new FlowToken(text.substring(0, cut), text.substring(cut + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
