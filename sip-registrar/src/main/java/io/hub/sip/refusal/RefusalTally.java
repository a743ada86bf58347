package io.hub.sip.refusal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where one protocol's refusals go besides the answer: a counter labelled with the cause's code, and
 * the listeners (the audit log) told of each.
 *
 * @param <R> the protocol's record of one refusal
 */
public final class RefusalTally<R> {

    private final MeterRegistry metrics;
    private final String meter;
    private final String description;
    private final String label;
    private final List<Consumer<R>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param meter the counter's name
     * @param label the tag that carries the cause's code
     */
    public RefusalTally(MeterRegistry metrics, String meter, String description, String label) {
        this.metrics = metrics;
        this.meter = meter;
        this.description = description;
        this.label = label;
    }

    public void onRefusal(Consumer<R> listener) {
        listeners.add(listener);
    }

    /** Counts {@code cause} and tells every listener of {@code refused}. */
    public void record(SipRefusal cause, R refused) {
        counter(cause.code()).increment();
        listeners.forEach(listener -> listener.accept(refused));
    }

    /** The counter for {@code value} of the label: a cause's code, or another outcome the meter counts. */
    public Counter counter(String value) {
        return Counter.builder(meter).description(description).tag(label, value).register(metrics);
    }
}
