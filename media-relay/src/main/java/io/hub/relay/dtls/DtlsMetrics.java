package io.hub.relay.dtls;

import io.hub.relay.stun.StunRefusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The meters of DTLS-SRTP legs, totals over all legs: {@code hub.relay.stun.answered},
 * {@code hub.relay.stun.dropped{reason}}, {@code hub.relay.dtls.dropped{reason}},
 * {@code hub.relay.dtls.handshakes{outcome}} (ok or a {@link DtlsFailure}) and the timer
 * {@code hub.relay.dtls.handshake.time} of successful handshakes.
 */
final class DtlsMetrics {

    private final Counter stunAnswered;
    private final Map<StunRefusal, Counter> stunDropped = new EnumMap<>(StunRefusal.class);
    private final Map<DtlsDrop, Counter> dtlsDropped = new EnumMap<>(DtlsDrop.class);
    private final Map<DtlsFailure, Counter> failed = new EnumMap<>(DtlsFailure.class);
    private final Counter established;
    private final Timer handshakeTime;

    DtlsMetrics(MeterRegistry registry) {
        stunAnswered = Counter.builder("hub.relay.stun.answered").description("ICE connectivity checks the relay answered").register(registry);
        for (StunRefusal reason : StunRefusal.values()) {
            stunDropped.put(reason, Counter.builder("hub.relay.stun.dropped").description("STUN packets dropped unanswered, by reason").tag("reason", tag(reason)).register(registry));
        }
        for (DtlsDrop reason : DtlsDrop.values()) {
            dtlsDropped.put(reason, Counter.builder("hub.relay.dtls.dropped").description("DTLS packets dropped, by reason").tag("reason", tag(reason)).register(registry));
        }
        for (DtlsFailure reason : DtlsFailure.values()) {
            failed.put(reason, Counter.builder("hub.relay.dtls.handshakes").description("DTLS handshakes on relay legs, by outcome").tag("outcome", tag(reason)).register(registry));
        }
        established = Counter.builder("hub.relay.dtls.handshakes").description("DTLS handshakes on relay legs, by outcome").tag("outcome", "ok").register(registry);
        handshakeTime = Timer.builder("hub.relay.dtls.handshake.time").description("time from a DTLS leg's first flight to its SRTP keys").register(registry);
    }

    void stunAnswered() {
        stunAnswered.increment();
    }

    void stunDropped(StunRefusal reason) {
        stunDropped.get(reason).increment();
    }

    void dtlsDropped(DtlsDrop reason) {
        dtlsDropped.get(reason).increment();
    }

    void handshake(DtlsFailure failure, Duration time) {
        if (failure == null) {
            established.increment();
            handshakeTime.record(time);
        } else {
            failed.get(failure).increment();
        }
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
