package io.hub.app;

import io.hub.pki.log.LogText;
import io.hub.provisioning.HubNode;
import io.hub.provisioning.NodeTable;
import io.hub.provisioning.Provisioning;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's row in the node table, rewritten every {@link #INTERVAL} with the flows and calls it
 * holds, so that every node (and {@code GET /admin/v1/nodes}) sees which nodes are up. A heartbeat
 * the database refuses is logged once, when the failures begin, and once when they end.
 */
final class NodeHeartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeat.class);
    /** Four of these fit in {@link HubNode#GONE_AFTER}: a lost heartbeat or two do not make a node gone. */
    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final NodeTable table;
    private final String name;
    private final Clock clock;
    private final IntSupplier flows;
    private final IntSupplier calls;
    private final java.util.function.Supplier<String> sipAddress;
    private final Instant startedAt;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "hub-node-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Consumer<List<HubNode>>> followers = new CopyOnWriteArrayList<>();
    private boolean failing;

    NodeHeartbeat(NodeTable table, String name, Clock clock, IntSupplier flows, IntSupplier calls) {
        this(table, name, clock, flows, calls, () -> null);
    }

    /** @param sipAddress where the other nodes reach this node's SIP-TLS port ({@code host:port}) */
    NodeHeartbeat(NodeTable table, String name, Clock clock, IntSupplier flows, IntSupplier calls,
            java.util.function.Supplier<String> sipAddress) {
        this.sipAddress = sipAddress;
        this.table = table;
        this.name = name;
        this.clock = clock;
        this.flows = flows;
        this.calls = calls;
        this.startedAt = clock.instant();
    }

    /**
     * After each heartbeat stored, {@code follower} is handed every node's row (this one's included),
     * on the heartbeat's thread; a follower that throws is logged and the others still run.
     */
    void onBeat(Consumer<List<HubNode>> follower) {
        followers.add(follower);
    }

    /** Writes the first heartbeat now, so the node is listed once the hub has started, then one per interval. */
    void start() {
        beat();
        timer.scheduleWithFixedDelay(this::beat, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("node {} started", LogText.of(name));
    }

    /** One heartbeat; a database that does not answer is logged, not thrown (the next beat tries again). */
    synchronized void beat() {
        try {
            table.heartbeat(new HubNode(name, HubVersion.version(), startedAt, clock.instant(), flows.getAsInt(),
                    calls.getAsInt(), sipAddress.get()));
            if (failing) {
                LOG.info("node {} heartbeat stored again", LogText.of(name));
                failing = false;
            }
            if (!followers.isEmpty()) {
                List<HubNode> nodes = table.list();
                for (Consumer<List<HubNode>> follower : followers) {
                    try {
                        follower.accept(nodes);
                    } catch (RuntimeException e) {
                        LOG.warn("node {} heartbeat follower failed: {}", LogText.of(name), e.toString());
                    }
                }
            }
        } catch (Provisioning.StorageRefused e) {
            if (!failing) {
                LOG.warn("node {} heartbeat not stored: {}", LogText.of(name), LogText.of(e.getMessage()));
                failing = true;
            }
        }
    }

    String name() {
        return name;
    }

    /** The operator's view of the nodes: each with its state at {@code now}, this node marked. */
    Map<String, Object> view() {
        Instant now = clock.instant();
        return Map.of("self", name, "nodes", table.list().stream().map(node -> {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("name", node.name());
            row.put("state", node.state(now));
            row.put("version", node.version());
            row.put("startedAt", node.startedAt().toString());
            row.put("heartbeatAt", node.heartbeatAt().toString());
            row.put("flows", node.flows());
            row.put("calls", node.calls());
            if (node.sipAddress() != null) {
                row.put("sipAddress", node.sipAddress());
            }
            return row;
        }).toList());
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("the node heartbeat did not stop within 5 s");
        }
    }
}
