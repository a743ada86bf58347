package io.hub.sip.transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/** The {@code hub.sip.refused} counter, one series per {@link RefusalReason}, registered once. */
public final class RefusalCounters {

    /** The HELP text of {@code hub.sip.refused}, the same wherever a series of it is registered. */
    public static final String DESCRIPTION = "SIP messages and connections refused, by reason";

    private final Map<RefusalReason, Counter> counters = new EnumMap<>(RefusalReason.class);

    /** One series of {@code hub.sip.refused}. */
    public static Counter counter(MeterRegistry metrics, String reason) {
        return Counter.builder("hub.sip.refused").description(DESCRIPTION).tag("reason", reason).register(metrics);
    }

    RefusalCounters(MeterRegistry metrics) {
        for (RefusalReason reason : RefusalReason.values()) {
            counters.put(reason, counter(metrics, reason.tag));
        }
    }

    void count(RefusalReason reason) {
        counters.get(reason).increment();
    }
}
