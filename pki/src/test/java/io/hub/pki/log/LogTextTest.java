package io.hub.pki.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void anOrdinaryValueIsWrittenAsItIs() {
        assertEquals("sip:1001@hub.test", LogText.of("sip:1001@hub.test"));
        assertEquals("Zoë \"Desk\" 2.1.0-beta", LogText.of("Zoë \"Desk\" 2.1.0-beta"));
        assertEquals("null", LogText.of(null));
    }

    @Test
    void lineBreaksCannotStartAForgedLine() {
        String escaped = LogText.of("1\nFAKE audit line\r\n");

        assertEquals("1\\nFAKE audit line\\r\\n", escaped);
        assertFalse(escaped.contains("\n") || escaped.contains("\r"));
    }

    @Test
    void everyOtherControlCharacterIsEscapedByItsCode() {
        assertEquals("a\\x00b\\x1bc\\x7fd\\x85e\\u2028f\\tg", LogText.of("a\u0000b\u001bc\u007fd\u0085e\u2028f\tg"));
    }

    @Test
    void aLongValueIsClippedAndSaysHowMuchWasLeftOut() {
        assertEquals("x".repeat(300) + "...[+700 chars]", LogText.of("x".repeat(1000)));
        assertEquals("ab\\ncd...[+2 chars]", LogText.of("ab\ncdef", 5));
        assertEquals("x".repeat(300), LogText.of("x".repeat(300)), "a value of exactly the limit stays whole");
    }
}
