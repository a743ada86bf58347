package io.hub.sip.registrar;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps refusal log lines few per source (an IPv4 address or an IPv6 /64): {@link #LINES_PER_MINUTE}
 * a minute are logged, the rest only counted, and when the minute is over one summary line gives
 * their number. A flood then costs a handful of lines a minute, not one per request. The table is
 * bounded; beyond {@link #MAX_SOURCES} sources in a minute, refusals are counted under one summary.
 */
final class RefusalLogLimiter {

    static final int LINES_PER_MINUTE = 5;
    static final int MAX_SOURCES = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);

    private static final class Window {
        final long minute;
        int logged;
        long unlogged;

        Window(long minute) {
            this.minute = minute;
        }
    }

    private final Clock clock;
    private final Map<String, Window> windows = new HashMap<>();
    private long unloggedBeyondTable;

    RefusalLogLimiter(Clock clock) {
        this.clock = clock;
    }

    /** True when a refusal from {@code source} may be logged now; counts it otherwise. */
    synchronized boolean allow(InetAddress source) {
        long minute = clock.millis() / 60_000;
        String key = key(source);
        Window window = windows.get(key);
        if (window != null && window.minute != minute) {
            summarize(key, window);
            windows.remove(key);
            window = null;
        }
        if (window == null) {
            if (windows.size() >= MAX_SOURCES) {
                sweep();
            }
            if (windows.size() >= MAX_SOURCES) {
                unloggedBeyondTable++;
                return false;
            }
            window = new Window(minute);
            windows.put(key, window);
        }
        if (window.logged < LINES_PER_MINUTE) {
            window.logged++;
            return true;
        }
        window.unlogged++;
        return false;
    }

    /** Logs the summaries of minutes that have ended and forgets them; run now and then by a timer. */
    synchronized void sweep() {
        long minute = clock.millis() / 60_000;
        for (Iterator<Map.Entry<String, Window>> i = windows.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<String, Window> entry = i.next();
            if (entry.getValue().minute != minute) {
                summarize(entry.getKey(), entry.getValue());
                i.remove();
            }
        }
        if (unloggedBeyondTable > 0) {
            LOG.info("register refusals from more than {} sources: {} more not logged", MAX_SOURCES,
                    unloggedBeyondTable);
            unloggedBeyondTable = 0;
        }
    }

    /** Sources with a window now. */
    synchronized int sources() {
        return windows.size();
    }

    private static void summarize(String source, Window window) {
        if (window.unlogged > 0) {
            LOG.info("register refusals source={}: {} more not logged in that minute", source, window.unlogged);
        }
    }

    private static String key(InetAddress source) {
        if (source instanceof Inet6Address v6) {
            byte[] prefix = Arrays.copyOf(v6.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return source.getHostAddress();
    }
}
