package io.hub.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.dhcp.decode.Bytes;
import io.hub.dhcp.decode.DecodedOption;
import io.hub.dhcp.decode.Location;
import io.hub.dhcp.decode.OptionDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoder on option bytes as servers really send them, and on bytes that lie. */
class OptionDecoderTest {

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void option43AsPlainTextIsReadAsText() {
        DecodedOption decoded = OptionDecoder.decode(43, text("https://dm.example.net/ale"), "alcatel.sip.0");

        assertEquals("[vendor class alcatel.sip.0] text \"https://dm.example.net/ale\"", decoded.text());
        assertEquals(List.of(new Location("https://dm.example.net/ale", Location.Kind.URL)), decoded.locations());
        assertFalse(decoded.malformed());
    }

    @Test
    void option43AsSubOptionsIsReadSubOptionBySubOption() {
        // Sub-option 1: "tftp://10.1.1.5" (15 bytes), sub-option 2: 4 binary bytes, then pad and end.
        byte[] bytes = hex("01 0f" + HexFormat.of().formatHex(text("tftp://10.1.1.5")) + "02 04 0a 01 01 05 00 ff");

        DecodedOption decoded = OptionDecoder.decode(43, bytes, null);

        assertEquals("sub-options 1=\"tftp://10.1.1.5\", 2=0a:01:01:05", decoded.text());
        assertEquals(List.of(new Location("tftp://10.1.1.5", Location.Kind.URL)), decoded.locations());
        assertEquals("", decoded.problem());
    }

    @Test
    void aSubOptionThatClaimsMoreBytesThanThereAreIsReportedNotReadPastTheEnd() {
        // Sub-option 1 is complete; sub-option 2 claims 200 bytes and only 3 follow.
        byte[] bytes = hex("01 04 0a 01 01 05 02 c8 61 62 63");

        DecodedOption decoded = OptionDecoder.decode(43, bytes, null);

        assertTrue(decoded.malformed());
        assertEquals("sub-option 2 claims 200 bytes but only 3 are left", decoded.problem());
        assertEquals("sub-options 1=0a:01:01:05", decoded.text());
    }

    @Test
    void option43ThatIsNeitherTextNorSubOptionsIsMalformed() {
        DecodedOption decoded = OptionDecoder.decode(43, hex("07"), null);

        assertEquals("it is neither text nor sub-options: sub-option 7 has no length byte", decoded.problem());
    }

    @Test
    void anOverlongOptionIsFlaggedBecausePhonesMayReadOnlyThePart() {
        String url = "https://dm.example.net/" + "a".repeat(300);

        DecodedOption decoded = OptionDecoder.decode(66, text(url), null);

        assertTrue(decoded.problem().startsWith("it is 323 bytes, more than one option holds (255)"),
                decoded.problem());
        assertEquals(url, decoded.locations().get(0).value());
    }

    @Test
    void option66IsAServerOrAUrlAnd67IsAFileOrAUrl() {
        assertEquals(List.of(new Location("10.1.1.5", Location.Kind.SERVER)),
                OptionDecoder.decode(66, text("10.1.1.5\0"), null).locations());
        assertEquals(List.of(new Location("tftp://pbx.example.net", Location.Kind.URL)),
                OptionDecoder.decode(66, text("tftp://pbx.example.net"), null).locations());
        assertEquals(List.of(new Location("ale/startup.cfg", Location.Kind.FILE)),
                OptionDecoder.decode(67, text("ale/startup.cfg"), null).locations());
        assertEquals(List.of(new Location("http://10.1.1.5/cfg.xml", Location.Kind.URL)),
                OptionDecoder.decode(67, text("http://10.1.1.5/cfg.xml"), null).locations());
    }

    @Test
    void option66ThatIsNotTextIsMalformed() {
        DecodedOption decoded = OptionDecoder.decode(66, hex("ff fe 01"), null);

        assertEquals("it is not text, as this option must be", decoded.problem());
        assertEquals("ff:fe:01", decoded.text());
    }

    @Test
    void option150IsAListOfTftpAddressesAndAPartialAddressIsMalformed() {
        DecodedOption two = OptionDecoder.decode(150, hex("0a010105 0a010106"), null);
        DecodedOption cut = OptionDecoder.decode(150, hex("0a0101"), null);

        assertEquals("10.1.1.5, 10.1.1.6", two.text());
        assertEquals(2, two.locations().size());
        assertEquals("it is 3 bytes, not a list of IPv4 addresses (4 each)", cut.problem());
    }

    @Test
    void option120CarriesNamesOrAddressesPerRfc3361() {
        DecodedOption names = OptionDecoder.decode(120, hex("00 03 736970 07 6578616d706c65 03 636f6d 00"), null);
        DecodedOption addresses = OptionDecoder.decode(120, hex("01 c0000201"), null);
        DecodedOption compressed = OptionDecoder.decode(120, hex("00 c0 0c"), null);

        assertEquals("sip.example.com", names.text());
        assertEquals("192.0.2.1", addresses.text());
        assertEquals("a compressed or invalid label at byte 0 (not decoded)", compressed.problem());
    }

    @Test
    void bytesThatAreNotQuiteTextAreShownAsHexAndTextKeepsControlCharactersVisible() {
        byte[] bell = hex("616c636174656c 07 2e30");

        assertEquals("61:6c:63:61:74:65:6c:07:2e:30", OptionDecoder.decode(60, bell, null).text());
        assertEquals("alcatel\\x07.0", Bytes.text(bell));
        assertEquals("alcatel.sip.0", Bytes.text(text("alcatel.sip.0\0\0")));
    }
}
