package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The revocation checks a request makes look at the file at most once a window: a change of this
 * process is seen by the next check, another process's once the window has passed, and a write never
 * works from a stale look.
 */
class RevocationListTest {

    private static final MacAddress PHONE = MacAddress.parse("00809faabbcc");
    private static final MacAddress OTHER_PHONE = MacAddress.parse("00809faabbcd");
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path pki;

    @TempDir
    Path elsewhere;

    /** Stands still unless a test moves it. */
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void aChangeThisProcessMakesIsSeenByTheNextCheckWithoutTimePassing() {
        RevocationList checks = new RevocationList(pki, nanos::get);
        assertFalse(checks.isRevoked(PHONE));

        // Another list on the same directory, as a command run inside the hub makes.
        new RevocationList(pki).revokeMac(PHONE, RevocationList.Reason.KEY_COMPROMISE, NOW);

        assertTrue(checks.isRevoked(PHONE));
    }

    @Test
    void anotherProcessesChangeIsSeenOnceTheLookWindowHasPassed() throws Exception {
        RevocationList checks = lookedJustBeforeAnotherProcessRevokedThePhone();

        nanos.addAndGet(RecentLook.EVERY_NANOS - 1);
        assertFalse(checks.isRevoked(PHONE), "within the window the last look answers");
        nanos.addAndGet(1);
        assertTrue(checks.isRevoked(PHONE), "the first check after the window looks again");
    }

    @Test
    void aRevocationWithinTheWindowKeepsWhatAnotherProcessWroteMeanwhile() throws Exception {
        RevocationList list = lookedJustBeforeAnotherProcessRevokedThePhone();

        assertTrue(list.revokeMac(OTHER_PHONE, RevocationList.Reason.SUPERSEDED, NOW));

        RevocationList onDisk = new RevocationList(pki);
        assertTrue(onDisk.isRevoked(PHONE), "the other process's entry survived the write");
        assertTrue(onDisk.isRevoked(OTHER_PHONE));
        assertEquals(2, onDisk.entries().size());
    }

    @Test
    void aDeviceAnotherProcessRevokedWithinTheWindowIsNotRevokedTwice() throws Exception {
        RevocationList list = lookedJustBeforeAnotherProcessRevokedThePhone();

        assertFalse(list.revokeMac(PHONE, RevocationList.Reason.SUPERSEDED, NOW), "already revoked, by the file");
        assertEquals(1, new RevocationList(pki).entries().size());
    }

    /** A list whose checks looked at the file just before another process revoked {@link #PHONE}. */
    private RevocationList lookedJustBeforeAnotherProcessRevokedThePhone() throws Exception {
        new RevocationList(elsewhere).revokeMac(PHONE, RevocationList.Reason.KEY_COMPROMISE, NOW);
        RevocationList list = new RevocationList(pki, nanos::get);
        assertFalse(list.isRevoked(PHONE));
        replacedByAnotherProcess();
        return list;
    }

    /** The file replaced as another process's write looks to this one: no write of this process counted. */
    private void replacedByAnotherProcess() throws Exception {
        long written = LocalWrites.count();
        Files.copy(elsewhere.resolve(RevocationList.FILE), pki.resolve(RevocationList.FILE),
                StandardCopyOption.REPLACE_EXISTING);
        assertEquals(written, LocalWrites.count());
    }
}
