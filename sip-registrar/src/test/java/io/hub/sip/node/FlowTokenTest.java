package io.hub.sip.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The token a Route carries between nodes names a binding, and nothing else decodes as one. */
class FlowTokenTest {

    @Test
    void aTokenIsAUriUserPartAndNamesItsBindingBack() {
        FlowToken token = new FlowToken("sip:1001@hub.test", "sip:1001@10.0.0.1:5061;transport=tls;ob");

        String encoded = token.encode();

        assertTrue(encoded.matches("[A-Za-z0-9_-]+"), encoded);
        assertEquals(Optional.of(token), FlowToken.decode(encoded));
    }

    @Test
    void whatIsNoTokenDecodesToNothing() {
        assertEquals(Optional.empty(), FlowToken.decode(null));
        assertEquals(Optional.empty(), FlowToken.decode(""));
        assertEquals(Optional.empty(), FlowToken.decode("not a token!"));
        assertEquals(Optional.empty(), FlowToken.decode(b64("no separator")));
        assertEquals(Optional.empty(), FlowToken.decode(b64("\nsip:contact")));
        assertEquals(Optional.empty(), FlowToken.decode(b64("sip:aor\n")));
        assertEquals(Optional.empty(), FlowToken.decode(b64("a\nb\nc")));
        assertEquals(Optional.empty(), FlowToken.decode("A".repeat(3000)));
    }

    @Test
    void aLineBreakInANameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FlowToken("sip:a\n@b", "sip:c"));
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
