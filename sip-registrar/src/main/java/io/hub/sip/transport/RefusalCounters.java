package io.hub.sip.transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/** The {@code hub.sip.refused} counter, one series per {@link RefusalReason}, registered once. */
final class RefusalCounters {

    private final Map<RefusalReason, Counter> counters = new EnumMap<>(RefusalReason.class);

    RefusalCounters(MeterRegistry metrics) {
        for (RefusalReason reason : RefusalReason.values()) {
            counters.put(reason, metrics.counter("hub.sip.refused", "reason", reason.tag));
        }
    }

    void count(RefusalReason reason) {
        counters.get(reason).increment();
    }
}
