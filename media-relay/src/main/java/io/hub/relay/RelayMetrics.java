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

    private static final String PACKETS = "media packets through the relay, by direction";
    private static final String BYTES = "media bytes through the relay, by direction";

    RelayMetrics(MeterRegistry registry, Supplier<Number> sessions, Supplier<Number> freePorts) {
        packetsIn = Counter.builder("hub.relay.packets").description(PACKETS).tag("direction", "in").register(registry);
        bytesIn = Counter.builder("hub.relay.bytes").description(BYTES).tag("direction", "in").baseUnit("bytes").register(registry);
        packetsOut = Counter.builder("hub.relay.packets").description(PACKETS).tag("direction", "out").register(registry);
        bytesOut = Counter.builder("hub.relay.bytes").description(BYTES).tag("direction", "out").baseUnit("bytes").register(registry);
        for (DropReason reason : DropReason.values()) {
            dropped[reason.ordinal()] = Counter.builder("hub.relay.dropped").description("media packets the relay dropped, by reason")
                    .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        deadStreams = Counter.builder("hub.relay.dead.streams")
                .description("media streams closed because no packet came in time").register(registry);
        exhausted = Counter.builder("hub.relay.ports.exhausted")
                .description("calls refused because the relay had no free port pair").register(registry);
        Gauge.builder("hub.relay.sessions", sessions).description("relay sessions (calls) open now").register(registry);
        Gauge.builder("hub.relay.ports.free", freePorts).description("relay port pairs free now").register(registry);
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
