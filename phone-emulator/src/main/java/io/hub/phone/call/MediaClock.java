package io.hub.phone.call;

import io.hub.phone.net.NetLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One 20 ms tick for every stream on a loop: each tick sends the next packet of every active
 * stream, so a thousand calls cost one timer, not a thousand.
 */
public final class MediaClock {

    private final NetLoop loop;
    private final List<MediaStream> streams = new ArrayList<>();
    private ScheduledFuture<?> ticking;

    public MediaClock(NetLoop loop) {
        this.loop = loop;
    }

    /** Starts sending {@code stream}'s packets; on the loop. */
    void add(MediaStream stream) {
        loop.requireLoop();
        streams.add(stream);
        if (ticking == null) {
            ticking = loop.every(this::tick, Duration.ofMillis(20));
        }
    }

    void remove(MediaStream stream) {
        streams.remove(stream);
        if (streams.isEmpty() && ticking != null) {
            ticking.cancel(false);
            ticking = null;
        }
    }

    private void tick() {
        for (MediaStream stream : List.copyOf(streams)) {
            stream.tick();
        }
    }
}
