package io.hub.sip.location;

import io.hub.pki.log.LogText;
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
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the bindings of every AOR and the live flows they point at. Each AOR's state is its own: a
 * change of an AOR ({@link #update}) is made whole under that AOR's lock (read, computed, stored,
 * applied), so REGISTERs of different AORs never wait for each other; their writes share
 * transactions on one writer ({@link GroupCommit}), or each REGISTER appends its own to a store
 * made for it ({@link DirectWrites}, the binding journal); a change is durable before it is applied and
 * before its caller answers. Changes are announced as {@link LocationEvent}s. Which AORs are on a
 * flow is indexed ({@link #aorsOn}). Time comes from the injected clock; {@link #expire} is driven
 * from outside (a timer in the hub, the test in tests).
 */
public final class LocationService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocationService.class);

    private final Map<String, List<Binding>> byAor = new ConcurrentHashMap<>();
    private final Map<Long, Flow> flows = new ConcurrentHashMap<>();
    private final FlowIndex flowIndex = new FlowIndex();
    private final ExpiryQueue expiries = new ExpiryQueue();
    private final AorLocks locks = new AorLocks();
    private final List<Consumer<LocationEvent>> listeners = new CopyOnWriteArrayList<>();
    private final BindingWriter writer;
    private final BindingStore store;
    private final Clock clock;

    public LocationService(BindingStore store, Clock clock) {
        this.clock = clock;
        this.store = store;
        Map<String, List<Binding>> loaded = new HashMap<>();
        for (Binding binding : store.load()) {
            loaded.computeIfAbsent(binding.aor(), aor -> new ArrayList<>()).add(binding.withoutFlow());
        }
        loaded.forEach((aor, bindings) -> {
            byAor.put(aor, List.copyOf(bindings));
            expiries.list(aor, earliestExpiry(bindings));
        });
        this.writer = BindingWriter.of(store);
    }

    /**
     * A change of one AOR's bindings: from its live bindings, the whole set it is to have. It may
     * refuse by throwing, and then nothing changes.
     */
    @FunctionalInterface
    public interface Change<E extends Exception> {
        List<Binding> apply(List<Binding> live) throws E;
    }

    /** Binding changes written so far, and the transactions that carried them. */
    public record Commits(long transactions, long changes) {
    }

    public void subscribe(Consumer<LocationEvent> listener) {
        listeners.add(listener);
    }

    /** The live bindings of an AOR (expired ones are not returned). */
    public List<Binding> bindings(String aor) {
        return live(byAor.getOrDefault(aor, List.of()), clock.instant());
    }

    /** The AORs with a live binding on the flow: who a phone is, by the connection it registered on. */
    public List<String> aorsOn(long flowId) {
        Instant now = clock.instant();
        List<String> aors = new ArrayList<>(1);
        for (String aor : flowIndex.aorsOn(flowId)) {
            for (Binding binding : byAor.getOrDefault(aor, List.of())) {
                if (binding.flowId() == flowId && binding.expiresAt().isAfter(now)) {
                    aors.add(aor);
                    break;
                }
            }
        }
        return aors;
    }

    /** Every live binding, for the admin API. */
    public List<Binding> all() {
        Instant now = clock.instant();
        return byAor.values().stream().flatMap(List::stream).filter(b -> b.expiresAt().isAfter(now)).toList();
    }

    /**
     * Changes one AOR's bindings under its lock: {@code change} computes the new set from the live
     * one, the set is stored (in a transaction shared with other AORs' changes) and applied, and the
     * differences are announced. Returns the set the AOR has now. A set equal to the one held is not
     * written again (a REGISTER that only asks for its bindings).
     *
     * @throws E when {@code change} refuses; nothing changed
     * @throws IllegalStateException when the store could not write the set; nothing changed
     */
    public <E extends Exception> List<Binding> update(String aor, Change<E> change) throws E {
        List<LocationEvent> events;
        List<Binding> after;
        ReentrantLock lock = locks.of(aor);
        lock.lock();
        try {
            List<Binding> before = byAor.getOrDefault(aor, List.of());
            after = List.copyOf(change.apply(live(before, clock.instant())));
            if (!after.equals(before)) {
                writer.write(new AorBindings(aor, after));
            }
            apply(aor, before, after);
            events = changes(before, after);
        } finally {
            lock.unlock();
        }
        events.forEach(this::announce);
        return after;
    }

    /**
     * Makes {@code bindings} the AOR's whole binding set: stored first, then applied, then announced.
     * If storing fails nothing changes.
     */
    public void replace(String aor, List<Binding> bindings) {
        update(aor, live -> bindings);
    }

    /**
     * Removes bindings whose time is up. An expired binding is dead whether or not its row is gone
     * yet, so expiry is applied at once and its rows deleted by the writer without waiting (a
     * REGISTER of the same AOR that follows is written after it).
     */
    public void expire(Instant now) {
        List<LocationEvent> events = new ArrayList<>();
        for (String aor : expiries.take(now)) {
            ReentrantLock lock = locks.of(aor);
            lock.lock();
            try {
                List<Binding> current = byAor.getOrDefault(aor, List.of());
                List<Binding> alive = live(current, now);
                if (alive.size() == current.size()) {
                    // Refreshed since it was listed: due again at its new earliest expiry.
                    if (!current.isEmpty()) {
                        expiries.list(aor, earliestExpiry(current));
                    }
                } else {
                    writer.submit(new AorBindings(aor, alive)).whenComplete((stored, failure) -> {
                        if (failure != null) {
                            LOG.warn("sip expired bindings of {} not deleted: {}", LogText.of(aor),
                                    failure.getMessage());
                        }
                    });
                    apply(aor, current, alive);
                    current.stream().filter(b -> !b.expiresAt().isAfter(now))
                            .forEach(b -> events.add(new LocationEvent(LocationEvent.Kind.EXPIRED, b)));
                }
            } finally {
                lock.unlock();
            }
        }
        events.forEach(this::announce);
    }

    /**
     * Deletes the stored bindings of another node of the cluster, which is gone; this node's own are
     * untouched.
     *
     * @return how many were deleted
     * @throws IllegalStateException when the store could not delete them
     */
    public int forgetNode(String node) {
        return store.forgetNode(node);
    }

    /**
     * Puts every stored change into the bindings table now, for readers of the table (tests that
     * count its statements among them); the binding journal would otherwise do so within 250 ms.
     */
    public void checkpointStore() {
        store.checkpoint();
    }

    /** Binding changes written so far and the transactions that carried them. */
    public Commits commits() {
        long[] counts = writer.counts();
        return new Commits(counts[0], counts[1]);
    }

    /** Changes waiting for the writer, for tests that hold a round. */
    int queuedWrites() {
        return writer.queued();
    }

    private void apply(String aor, List<Binding> before, List<Binding> after) {
        if (after.isEmpty()) {
            byAor.remove(aor);
        } else {
            byAor.put(aor, after);
            expiries.list(aor, earliestExpiry(after));
        }
        flowIndex.changed(aor, before, after);
    }

    private static Instant earliestExpiry(List<Binding> bindings) {
        Instant earliest = Instant.MAX;
        for (Binding binding : bindings) {
            if (binding.expiresAt().isBefore(earliest)) {
                earliest = binding.expiresAt();
            }
        }
        return earliest;
    }

    /** Entries of the expiry queue, for tests. */
    int listedForExpiry() {
        return expiries.size();
    }

    private static List<LocationEvent> changes(List<Binding> before, List<Binding> after) {
        List<LocationEvent> events = new ArrayList<>();
        Map<String, Binding> old = new HashMap<>();
        before.forEach(b -> old.put(b.key(), b));
        for (Binding binding : after) {
            Binding previous = old.remove(binding.key());
            events.add(new LocationEvent(previous == null ? LocationEvent.Kind.REGISTERED
                    : LocationEvent.Kind.REFRESHED, binding));
        }
        old.values().forEach(b -> events.add(new LocationEvent(LocationEvent.Kind.REMOVED, b)));
        return events;
    }

    private static List<Binding> live(List<Binding> bindings, Instant now) {
        for (Binding binding : bindings) {
            if (!binding.expiresAt().isAfter(now)) {
                return bindings.stream().filter(b -> b.expiresAt().isAfter(now)).toList();
            }
        }
        return bindings;
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
        for (String aor : flowIndex.forget(flow.id())) {
            ReentrantLock lock = locks.of(aor);
            lock.lock();
            try {
                List<Binding> current = byAor.get(aor);
                if (current == null || current.stream().noneMatch(b -> b.flowId() == flow.id())) {
                    continue;
                }
                List<Binding> without = current.stream().map(b -> b.flowId() == flow.id() ? b.withoutFlow() : b)
                        .toList();
                byAor.put(aor, without);
                current.stream().filter(b -> b.flowId() == flow.id())
                        .forEach(b -> events.add(new LocationEvent(LocationEvent.Kind.FLOW_LOST, b.withoutFlow())));
            } finally {
                lock.unlock();
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

    /**
     * The open flows that carry a live binding: what a node reports as the phones it holds. It looks
     * at each flow, not at each binding.
     */
    public int liveFlowCount() {
        int live = 0;
        for (Flow flow : flows.values()) {
            if (flow.isOpen() && !aorsOn(flow.id()).isEmpty()) {
                live++;
            }
        }
        return live;
    }

    /** Stops the writer once the changes handed to it are written, then the store; later changes fail. */
    @Override
    public void close() {
        writer.close();
        store.close();
    }

    private void announce(LocationEvent event) {
        for (Consumer<LocationEvent> listener : listeners) {
            listener.accept(Objects.requireNonNull(event));
        }
    }
}
