package io.hub.sip.location;

import com.zaxxer.hikari.HikariDataSource;
import io.hub.pki.CrashChildOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The child {@link JournalKillTest} kills: it changes the bindings of {@link #AORS} AORs in turn,
 * change N giving its AOR the contact {@code <sip:round-N@…>}, and says {@code acknowledged N} once
 * the store returned, while checkpoints run every few milliseconds beside it.
 */
public final class JournalKillChild {

    static final int AORS = 40;
    static final int CHANGES = 20_000;

    private JournalKillChild() {
    }

    static String aor(int change) {
        return "sip:" + (1000 + change % AORS) + "@hub.test";
    }

    public static void main(String[] args) {
        HikariDataSource database = new HikariDataSource();
        database.setJdbcUrl(args[0]);
        JournaledBindingStore store = new JournaledBindingStore(new JdbcBindingStore(database), Path.of(args[1]),
                Duration.ofMillis(3));
        store.load();
        CrashChildOutput.say("loaded");
        for (int change = 1; change <= CHANGES; change++) {
            String aor = aor(change);
            store.replace(aor, List.of(JournaledBindingStoreTest.binding(aor, "<sip:round-" + change + "@192.0.2.1>")));
            CrashChildOutput.say("acknowledged " + change);
        }
        CrashChildOutput.say("done");
    }
}
