package io.hub.sip.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.hub.pki.KilledChild;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A kill -9 of a process writing bindings through the journal, while checkpoints move them to the
 * table beside it: after a restart each AOR has the set of its last acknowledged change, or of a
 * later change of its own that was written but not yet acknowledged, never an older one.
 */
class JournalKillTest {

    private static final Pattern ROUND = Pattern.compile("round-(\\d+)@");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "killed after change {0}")
    @ValueSource(ints = {3, 700, 4_000})
    void everyAcknowledgedChangeSurvivesAKill(int killAfter) throws Exception {
        // As the hub runs H2 (HubDatabase): with H2's default delay a commit reaches the file up to
        // half a second later, so the child's schema, made as it starts, could be on disk without
        // Flyway's record of it when the kill lands, and the next start would make it again.
        String url = "jdbc:h2:file:" + dir.resolve("hub") + ";WRITE_DELAY=0";
        Path journal = dir.resolve("sip-bindings");
        List<String> said = KilledChild.run(JournalKillChild.class,
                line -> line.equals("acknowledged " + killAfter) || line.equals("done"), url, journal.toString());
        assertEquals("acknowledged " + killAfter, said.get(said.size() - 1), "the child's last words");

        Map<String, Integer> stored = new HashMap<>();
        try (HikariDataSource database = new HikariDataSource()) {
            database.setJdbcUrl(url);
            for (Binding binding : new JournaledBindingStore(new JdbcBindingStore(database), journal, null).load()) {
                Matcher round = ROUND.matcher(binding.contact());
                assertTrue(round.find(), binding.contact());
                assertEquals(null, stored.put(binding.aor(), Integer.parseInt(round.group(1))),
                        "one binding per AOR: " + binding.aor());
            }
        }
        Map<String, Integer> acknowledged = new HashMap<>();
        for (int change = 1; change <= killAfter; change++) {
            acknowledged.put(JournalKillChild.aor(change), change);
        }
        // The child may have gone on writing after its last line the test read, before the kill landed.
        for (Map.Entry<String, Integer> aor : acknowledged.entrySet()) {
            Integer round = stored.get(aor.getKey());
            assertTrue(round != null && round >= aor.getValue() && JournalKillChild.aor(round).equals(aor.getKey()),
                    aor.getKey() + " was acknowledged at change " + aor.getValue() + ", has " + round);
        }
        stored.forEach((aor, round) -> assertTrue(round > killAfter && JournalKillChild.aor(round).equals(aor)
                || acknowledged.containsKey(aor), aor + " has change " + round));
    }
}
