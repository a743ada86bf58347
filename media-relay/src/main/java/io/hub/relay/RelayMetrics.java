package io.hub.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The relay's meters, all named {@code hub.relay.*}. Totals over all sessions, never per call: a tag
 * per Call-ID would grow the registry without bound; per-stream numbers are in {@link SessionStats}.
 */
final class RelayMetrics {

    private final Counter packetsIn;
    private final Counter bytesIn;
    private final Counter packetsOut;
    private final Counter bytesOut;
    private final Counter[] dropped = new Counter[DropReason.values().length];
    private final Counter deadStreams;
    private final Counter exhausted;

    RelayMetrics(MeterRegistry registry, Supplier<Number> sessions, Supplier<Number> freePorts) {
        packetsIn = Counter.builder("hub.relay.packets").tag("direction", "in").register(registry);
        bytesIn = Counter.builder("hub.relay.bytes").tag("direction", "in").baseUnit("bytes").register(registry);
        packetsOut = Counter.builder("hub.relay.packets").tag("direction", "out").register(registry);
        bytesOut = Counter.builder("hub.relay.bytes").tag("direction", "out").baseUnit("bytes").register(registry);
        for (DropReason reason : DropReason.values()) {
            dropped[reason.ordinal()] = Counter.builder("hub.relay.dropped")
                    .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        deadStreams = Counter.builder("hub.relay.dead.streams").register(registry);
        exhausted = Counter.builder("hub.relay.ports.exhausted").register(registry);
        Gauge.builder("hub.relay.sessions", sessions).register(registry);
        Gauge.builder("hub.relay.ports.free", freePorts).register(registry);
    }

    void received(int bytes) {
        packetsIn.increment();
        bytesIn.increment(bytes);
    }

    void sent(int bytes) {
        packetsOut.increment();
        bytesOut.increment(bytes);
    }

    void dropped(DropReason reason) {
        dropped[reason.ordinal()].increment();
    }

    void deadStream() {
        deadStreams.increment();
    }

    void exhausted() {
        exhausted.increment();
    }
}
