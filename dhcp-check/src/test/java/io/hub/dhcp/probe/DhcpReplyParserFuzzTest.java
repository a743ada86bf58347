package io.hub.dhcp.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hub.dhcp.AlePhones;
import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.DiscoveryUrl;
import java.nio.ByteBuffer;
import java.util.Set;

/** A datagram on UDP port 68 while the probe listens: from a DHCP server, a relay, or anyone. */
class DhcpReplyParserFuzzTest {

    private static final DhcpRules RULES = new DhcpRules(DiscoveryUrl.parse(
            "https://hub.example.com:8443/rdd/v1/discovery"));

    @FuzzTest(maxDuration = "10m")
    void aDatagramIsSkippedWithAReasonOrReadIntoAReplyWhoseFindingsAreMade(byte[] datagram) {
        // The transaction is taken from the datagram, so the fuzzer gets past the xid check.
        int xid = datagram.length >= 8 ? ByteBuffer.wrap(datagram).getInt(4) : 0;

        DhcpReplyParser.Result result = DhcpReplyParser.parse(datagram, datagram.length, Set.of(xid), "10.0.0.1");

        if (result.reply().isEmpty()) {
            assertFalse(result.skipped().isBlank());
            return;
        }
        DhcpReply reply = result.reply().get();
        assertEquals(xid, reply.xid());
        ReplyFindings.of(reply, RULES, AlePhones.VENDOR_CLASS).forEach(finding -> assertFalse(finding.why().isEmpty()));
    }
}
