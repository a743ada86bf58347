package io.hub.sip.location;

import io.hub.sip.transport.Flow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Owns the bindings of every AOR and the live flows they point at. Changes to an AOR are made
 * whole ({@link #replace}), stored, and announced as {@link LocationEvent}s. Time comes from the
 * injected clock; {@link #expire} is driven from outside (a timer in the hub, the test in tests).
 */
public final class LocationService {

    private final Map<String, List<Binding>> byAor = new HashMap<>();
    private final Map<Long, Flow> flows = new ConcurrentHashMap<>();
    private final List<Consumer<LocationEvent>> listeners = new CopyOnWriteArrayList<>();
    private final BindingStore store;
    private final Clock clock;

    public LocationService(BindingStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        for (Binding binding : store.load()) {
            byAor.computeIfAbsent(binding.aor(), aor -> new ArrayList<>()).add(binding.withoutFlow());
        }
    }

    public void subscribe(Consumer<LocationEvent> listener) {
        listeners.add(listener);
    }

    /** The live bindings of an AOR (expired ones are not returned). */
    public synchronized List<Binding> bindings(String aor) {
        Instant now = clock.instant();
        return byAor.getOrDefault(aor, List.of()).stream().filter(b -> b.expiresAt().isAfter(now)).toList();
    }

    /** The AORs with a live binding on the flow: who a phone is, by the connection it registered on. */
    public synchronized List<String> aorsOn(long flowId) {
        Instant now = clock.instant();
        return byAor.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(b -> b.flowId() == flowId && b.expiresAt().isAfter(now)))
                .map(Map.Entry::getKey).toList();
    }

    /** Every live binding, for the admin API. */
    public synchronized List<Binding> all() {
        Instant now = clock.instant();
        return byAor.values().stream().flatMap(List::stream).filter(b -> b.expiresAt().isAfter(now)).toList();
    }

    /**
     * Makes {@code bindings} the AOR's whole binding set: stored first, then applied, then announced.
     * If storing fails nothing changes.
     */
    public void replace(String aor, List<Binding> bindings) {
        List<LocationEvent> events = new ArrayList<>();
        synchronized (this) {
            List<Binding> before = byAor.getOrDefault(aor, List.of());
            store.replace(aor, bindings);
            if (bindings.isEmpty()) {
                byAor.remove(aor);
            } else {
                byAor.put(aor, List.copyOf(bindings));
            }
            Map<String, Binding> old = new HashMap<>();
            before.forEach(b -> old.put(b.key(), b));
            for (Binding binding : bindings) {
                Binding previous = old.remove(binding.key());
                events.add(new LocationEvent(previous == null ? LocationEvent.Kind.REGISTERED
                        : LocationEvent.Kind.REFRESHED, binding));
            }
            old.values().forEach(b -> events.add(new LocationEvent(LocationEvent.Kind.REMOVED, b)));
        }
        events.forEach(this::announce);
    }

    /** Removes bindings whose time is up. */
    public void expire(Instant now) {
        List<LocationEvent> events = new ArrayList<>();
        synchronized (this) {
            for (String aor : List.copyOf(byAor.keySet())) {
                List<Binding> current = byAor.get(aor);
                List<Binding> alive = current.stream().filter(b -> b.expiresAt().isAfter(now)).toList();
                if (alive.size() != current.size()) {
                    store.replace(aor, alive);
                    current.stream().filter(b -> !b.expiresAt().isAfter(now))
                            .forEach(b -> events.add(new LocationEvent(LocationEvent.Kind.EXPIRED, b)));
                    if (alive.isEmpty()) {
                        byAor.remove(aor);
                    } else {
                        byAor.put(aor, alive);
                    }
                }
            }
        }
        events.forEach(this::announce);
    }

    /** A flow the registrar accepted a registration on; requests to its bindings go down it. */
    public void flowOpened(Flow flow) {
        flow.trust();
        flows.put(flow.id(), flow);
    }

    /** The connection is gone: its bindings stay until they expire, but have no flow. */
    public void flowClosed(Flow flow) {
        if (flows.remove(flow.id()) == null) {
            return;
        }
        List<LocationEvent> events = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<String, List<Binding>> entry : byAor.entrySet()) {
                List<Binding> lost = entry.getValue().stream().filter(b -> b.flowId() == flow.id()).toList();
                if (!lost.isEmpty()) {
                    entry.setValue(entry.getValue().stream()
                            .map(b -> b.flowId() == flow.id() ? b.withoutFlow() : b).toList());
                    lost.forEach(b -> events.add(new LocationEvent(LocationEvent.Kind.FLOW_LOST, b.withoutFlow())));
                }
            }
        }
        events.forEach(this::announce);
    }

    /** The live flow of a binding; empty when it has none (the hub never dials out to a phone). */
    public Optional<Flow> flow(Binding binding) {
        return Optional.ofNullable(flows.get(binding.flowId())).filter(Flow::isOpen);
    }

    public Optional<Flow> flow(long id) {
        return Optional.ofNullable(flows.get(id));
    }

    /** The flows phones registered on and that are still open. */
    public List<Flow> flows() {
        return flows.values().stream().filter(Flow::isOpen).toList();
    }

    public int flowCount() {
        return flows.size();
    }

    private void announce(LocationEvent event) {
        for (Consumer<LocationEvent> listener : listeners) {
            listener.accept(Objects.requireNonNull(event));
        }
    }
}
