package io.hub.sip.transport;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * The sizes of the SIP side's guard tables (what it counts per source or per AOR), one gauge
 * {@code hub.sip.guard.keys{guard}}: each table is bounded, and a flood of new keys shows here as a
 * table at its bound, not as memory growing.
 */
public final class GuardGauges {

    private GuardGauges() {
    }

    /** Publishes {@code table}'s size, read with {@code size}, as the guard {@code guard}. */
    public static <T> void register(MeterRegistry metrics, String guard, T table, ToDoubleFunction<T> size) {
        Gauge.builder("hub.sip.guard.keys", table, size).tag("guard", guard)
                .description("keys a SIP guard counts now (sources, AORs); each table is bounded")
                .register(metrics);
    }
}
