package io.hub.relay;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A started relay on loopback for one test, and what the test opened beside it (fake phones,
 * sockets): closing it closes the relay, then each of those. Held in an {@code @AutoClose} field.
 */
public final class LoopbackRelay implements AutoCloseable {

    public final MediaRelay relay;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private LoopbackRelay(MediaRelay relay) {
        this.relay = relay;
    }

    /** A relay on ports {@code minPort}-{@code maxPort} of loopback, 60 s dead-stream timeout, 8000 Hz. */
    public static LoopbackRelay start(int minPort, int maxPort, Clock clock, MeterRegistry registry,
            RelayListener listener) throws IOException {
        MediaRelay relay = new MediaRelay(new RelayConfig(InetAddress.getLoopbackAddress(), minPort, maxPort,
                Duration.ofSeconds(60), 8000), clock, registry, listener);
        relay.start();
        return new LoopbackRelay(relay);
    }

    /** Closes {@code thing} after the relay, when the test ends. */
    public <T extends AutoCloseable> T closeAfter(T thing) {
        opened.add(thing);
        return thing;
    }

    @Override
    public void close() throws Exception {
        relay.close();
        for (AutoCloseable thing : opened) {
            thing.close();
        }
    }
}
