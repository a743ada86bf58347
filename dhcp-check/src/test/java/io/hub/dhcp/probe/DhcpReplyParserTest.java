package io.hub.dhcp.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DhcpReplyParserTest {

    private static final int XID = 0x5eed1234;
    private static final byte[] MAC = {0x00, (byte) 0x80, (byte) 0x9f, 0x11, 0x22, 0x33};

    private static DhcpReply parse(byte[] bytes) {
        DhcpReplyParser.Result result = DhcpReplyParser.parse(bytes, bytes.length, Set.of(XID), "10.0.0.1");
        return result.reply().orElseThrow(() -> new AssertionError("skipped: " + result.skipped()));
    }

    @Test
    void anOfferIsReadFieldByFieldAndOptionByOption() {
        byte[] bytes = ReplyBytes.reply(2, XID, MAC).offered("10.0.0.50").nextServer("10.0.0.6")
                .serverName("boot").bootFile("ale.cfg").address(54, "10.0.0.2").address(3, "10.0.0.1")
                .option(66, "tftp://10.0.0.5").end();

        DhcpReply reply = parse(bytes);

        assertEquals(2, reply.type());
        assertEquals("DHCPOFFER", reply.typeName());
        assertEquals("10.0.0.2", reply.server(), "the server identifier, not the source address");
        assertEquals("10.0.0.50", reply.offered());
        assertEquals("10.0.0.6", reply.nextServer());
        assertEquals("boot", reply.serverName());
        assertEquals("ale.cfg", reply.bootFile());
        assertEquals(List.of(53, 54, 3, 66), List.copyOf(reply.options().keySet()));
        assertEquals(List.of(), reply.problems());
    }

    @Test
    void aLongOptionSplitInTwoIsJoinedAsRfc3396Says() {
        byte[] bytes = ReplyBytes.reply(2, XID, MAC).option(43, "https://dm.").option(43, "example.net").end();

        assertArrayEquals("https://dm.example.net".getBytes(StandardCharsets.US_ASCII), parse(bytes).options().get(43));
    }

    @Test
    void overloadedFileAndSnameFieldsAreReadAsOptions() {
        byte[] inFile = {66, 8, '1', '0', '.', '1', '.', '1', '.', '5', (byte) 255};
        byte[] inSname = {67, 3, 'a', '.', 'b', (byte) 255};
        byte[] bytes = ReplyBytes.reply(5, XID, MAC).option(52, new byte[] {3}).fileField(inFile)
                .snameField(inSname).end();

        DhcpReply reply = parse(bytes);

        assertEquals("10.1.1.5", new String(reply.options().get(66), StandardCharsets.US_ASCII));
        assertEquals("a.b", new String(reply.options().get(67), StandardCharsets.US_ASCII));
        assertEquals("", reply.bootFile(), "an overloaded field is not a file name");
    }

    @Test
    void anOptionThatLiesAboutItsLengthEndsTheReadingWithAProblem() {
        byte[] bytes = ReplyBytes.reply(2, XID, MAC).option(66, "10.1.1.5").raw((byte) 43, (byte) 200, (byte) 1,
                (byte) 2).bytes();

        DhcpReply reply = parse(bytes);

        assertEquals(List.of("option 43 claims 200 bytes but only 2 are left"), reply.problems());
        assertEquals(List.of(53, 66), List.copyOf(reply.options().keySet()), "what came before the lie is kept");
    }

    @Test
    void aTruncatedDatagramIsAProblemNotAnException() {
        byte[] whole = ReplyBytes.reply(2, XID, MAC).option(66, "tftp://10.1.1.5").end();

        DhcpReply cut = parse(Arrays.copyOf(whole, whole.length - 6));
        DhcpReply noLengthByte = parse(ReplyBytes.reply(2, XID, MAC).raw((byte) 66).bytes());

        assertEquals(List.of("option 66 claims 15 bytes but only 10 are left"), cut.problems());
        assertEquals(List.of("option 66 has no length byte"), noLengthByte.problems());
    }

    @Test
    void aReplyWithoutMessageTypeOrMagicCookieIsReadWithProblems() {
        byte[] noType = ReplyBytes.reply(2, XID, MAC).bytes();
        noType[240] = 0;
        byte[] bootp = ReplyBytes.reply(2, XID, MAC).end();
        bootp[236] = 0;

        assertEquals(List.of("the options have no end option (255)", "no valid message type (option 53)"),
                parse(Arrays.copyOf(noType, 240)).problems());
        assertEquals(List.of("no DHCP magic cookie: a BOOTP reply without options", "no valid message type "
                + "(option 53)"), parse(bootp).problems());
    }

    @Test
    void datagramsThatAreNotOurRepliesAreSkippedWithTheReason() {
        byte[] request = ReplyBytes.reply(2, XID, MAC).op(1).end();
        byte[] other = ReplyBytes.reply(2, 42, MAC).end();

        assertEquals("12 bytes from 10.0.0.9 are too short for a DHCP message",
                DhcpReplyParser.parse(new byte[12], 12, Set.of(XID), "10.0.0.9").skipped());
        assertEquals("a datagram from 10.0.0.9 is not a BOOTP reply (op 1)",
                DhcpReplyParser.parse(request, request.length, Set.of(XID), "10.0.0.9").skipped());
        assertEquals("a reply from 10.0.0.9 answers another client (transaction 2a)",
                DhcpReplyParser.parse(other, other.length, Set.of(XID), "10.0.0.9").skipped());
        assertEquals("0 bytes from 10.0.0.9 are too short for a DHCP message",
                DhcpReplyParser.parse(new byte[300], -5, Set.of(XID), "10.0.0.9").skipped(), "a lying length");
    }

    @Test
    void noCorruptionOfAValidReplyMakesTheParserThrow() {
        byte[] valid = ReplyBytes.reply(2, XID, MAC).address(54, "10.0.0.2").option(43, new byte[] {1, 4, 10, 1, 1, 5})
                .option(66, "tftp://10.1.1.5").option(52, new byte[] {3}).end();
        Random random = new Random(20240601);
        int read = 0;
        for (int round = 0; round < 5000; round++) {
            byte[] bytes = valid.clone();
            int flips = 1 + random.nextInt(8);
            for (int i = 0; i < flips; i++) {
                int at = 236 + random.nextInt(bytes.length - 236);
                bytes[at] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(4) == 0 ? random.nextInt(bytes.length + 1) : bytes.length;
            DhcpReplyParser.Result result = DhcpReplyParser.parse(bytes, length, Set.of(XID), "10.0.0.1");
            read += result.reply().isPresent() ? 1 : 0;
        }
        assertTrue(read > 3000, "most corrupted replies are still read, with problems: " + read);
    }
}
