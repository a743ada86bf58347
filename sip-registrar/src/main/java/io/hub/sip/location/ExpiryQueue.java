package io.hub.sip.location;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The second each AOR's earliest binding expires, so that expiry visits the AORs that are due
 * rather than every AOR each second (with 10,000 phones held, that scan was a tenth of the hub's
 * work between keepalives).
 *
 * <p>An AOR is listed once, at the earliest expiry it was listed with: a refresh that moves its
 * bindings later leaves it where it is (one map read on the REGISTER path), and the expiry that
 * takes it early finds nothing expired and lists it again at its new earliest. So the queue holds
 * about one entry an AOR however often it registers. Listing and taking share one lock, so an AOR
 * listed while its second is being taken is never lost; the common refresh does not take it.
 */
final class ExpiryQueue {

    private final TreeMap<Long, Set<String>> bySecond = new TreeMap<>();
    private final Map<String, Long> listedAt = new ConcurrentHashMap<>();

    /** Lists {@code aor} to be looked at once {@code earliest} has passed; called under the AOR's lock. */
    void list(String aor, Instant earliest) {
        long second = earliest.getEpochSecond();
        Long at = listedAt.get(aor);
        if (at != null && at <= second) {
            return;
        }
        synchronized (this) {
            listedAt.put(aor, second);
            bySecond.computeIfAbsent(second, s -> new HashSet<>()).add(aor);
        }
    }

    /** Takes every AOR listed in a second up to {@code now}'s; each is unlisted. */
    synchronized List<String> take(Instant now) {
        List<String> due = new ArrayList<>();
        Iterator<Map.Entry<Long, Set<String>>> seconds = bySecond.headMap(now.getEpochSecond(), true).entrySet()
                .iterator();
        while (seconds.hasNext()) {
            Map.Entry<Long, Set<String>> second = seconds.next();
            seconds.remove();
            for (String aor : second.getValue()) {
                // An AOR listed again at an earlier second since was taken with that second.
                if (listedAt.remove(aor, second.getKey())) {
                    due.add(aor);
                }
            }
        }
        return due;
    }

    /** Entries held, for tests: about one an AOR. */
    synchronized int size() {
        return bySecond.values().stream().mapToInt(Set::size).sum();
    }
}
