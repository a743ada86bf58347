package io.hub.provisioning.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Refusals are counted in memory and leave one audit row per source, reason and minute. */
class RefusalTallyTest extends AuditStoreTest {

    RefusalTallyTest() {
        super(Instant.parse("2026-12-04T10:00:05Z"));
    }

    private RefusalTally tally;

    @BeforeEach
    void makeTheTally() {
        tally = new RefusalTally(audit, clock, domain -> domain.equals("acme.test") ? "acme" : null);
    }

    private void refuse(String source, String reason, String aor) {
        tally.count(null, "sip", source, "register", reason, aor + ": no such account");
    }

    @Test
    void twoThousandRefusalsOfOneSourceInAMinuteAreOneRowWithTheirCount() {
        String huge = "sip:" + "A".repeat(15 * 1024) + "@x";
        for (int i = 0; i < 1_000; i++) {
            refuse("192.0.2.7", "unknown-aor", huge);
        }
        tally.flush();
        for (int i = 0; i < 1_000; i++) {
            refuse("192.0.2.7", "unknown-aor", huge);
        }
        tally.flush();

        List<AuditEvent> events = audit.recent(null, null, 100);
        assertEquals(1, events.size(), events.toString());
        AuditEvent row = events.get(0);
        assertEquals(2_000, row.count());
        assertEquals("unknown-aor", row.reason());
        assertEquals("192.0.2.7", row.sourceIp());
        assertEquals(Instant.parse("2026-12-04T10:00:00Z"), row.at());
        assertEquals(AuditEvent.REFUSED, row.outcome());
        assertEquals(1000, row.detail().length(), "the detail is clipped");
    }

    @Test
    void eachSourceReasonAndMinuteHasItsOwnRowAndEndedMinutesAreForgotten() {
        refuse("192.0.2.7", "unknown-aor", "sip:1@x");
        refuse("192.0.2.7", "wrong-password", "sip:1001@x");
        refuse("192.0.2.8", "unknown-aor", "sip:2@x");
        tally.flush();
        clock.advance(Duration.ofMinutes(1));
        refuse("192.0.2.7", "unknown-aor", "sip:3@x");
        refuse("192.0.2.7", "unknown-aor", "sip:4@x");
        tally.flush();

        List<AuditEvent> events = audit.recent(null, null, 100);
        assertEquals(4, events.size(), events.toString());
        assertEquals(2, events.get(0).count(), "the new minute's row");
        assertEquals(Instant.parse("2026-12-04T10:01:00Z"), events.get(0).at());
        assertEquals(1, tally.pending(), "only the open minute is still held");
    }

    @Test
    void aSprayOfSourcesBeyondTheBoundIsCountedUnderOneOverflowRow() {
        for (int i = 0; i < RefusalTally.MAX_KEYS + 500; i++) {
            refuse("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), "unknown-aor", "sip:1@x");
        }
        assertEquals(RefusalTally.MAX_KEYS + 1, tally.pending());
        tally.flush();

        AuditEvent overflow = audit.recent(null, null, 1).get(0);
        List<AuditEvent> all = audit.recent(null, null, RefusalTally.MAX_KEYS + 10);
        assertEquals(RefusalTally.MAX_KEYS + 1, all.size());
        assertTrue(all.stream().anyMatch(e -> RefusalTally.OVERFLOW_SOURCE.equals(e.sourceIp()) && e.count() == 500),
                overflow.toString());
    }

    @Test
    void theRowBelongsToTheTenantOfItsFirstScope() {
        tally.count("acme.test", "sip", "192.0.2.7", "register", "wrong-password", "sip:1001@acme.test: no");
        tally.count("other.test", "sip", "192.0.2.9", "register", "wrong-password", "sip:1001@other.test: no");
        tally.flush();

        assertEquals(1, audit.recent("acme", null, 10).size());
        assertEquals("192.0.2.7", audit.recent("acme", null, 10).get(0).sourceIp());
        assertEquals(2, audit.recent(null, null, 10).size(), "the operator reads both");
    }

    @Test
    void nothingCountedWritesNothing() {
        tally.flush();
        assertEquals(0, audit.recent(null, null, 10).size());
    }
}
