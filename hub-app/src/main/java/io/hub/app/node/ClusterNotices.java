package io.hub.app.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hub.pki.log.LogText;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices between the nodes of a cluster over PostgreSQL's {@code LISTEN}/{@code NOTIFY} (channel
 * {@value #CHANNEL}): a node publishes what another node may have to act on (a device that lost its
 * right to register, a check-sync for a phone it has no flow of, new revocations), and every other
 * node hears it within milliseconds. A notice is a JSON object naming its {@code kind} and the node
 * it came from; a node never hears its own. Notices are hints, never the state: what they point at
 * is read from the database, so a notice lost while a node reconnects costs time, not correctness,
 * and what must survive (revocations) is also taken up at start.
 *
 * <p>Listening holds one connection of its own, outside the pool; when it breaks, the listener
 * reconnects every second until it is closed, logging once when it is lost and once when it is back.
 * Handlers run one at a time on a thread of their own, so a slow one never stops the listening.
 */
public final class ClusterNotices implements AutoCloseable {

    /** The channel every node listens on. */
    public static final String CHANNEL = "hub_cluster";
    /** PostgreSQL refuses a payload of 8000 bytes or more. */
    static final int MAX_PAYLOAD = 7900;

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNotices.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int POLL_MILLIS = 500;
    private static final long RECONNECT_MILLIS = 1000;

    private final String url;
    private final DataSource pool;
    private final String self;
    private final Map<String, CopyOnWriteArrayList<Consumer<JsonNode>>> handlers = new ConcurrentHashMap<>();
    private final ExecutorService work;
    private final Thread listener;
    private volatile boolean closed;
    private volatile boolean listening;
    /** How many times a LISTEN was put in place: the first, then once per reconnection. */
    private int listens;

    /**
     * @param url the database's JDBC URL, for the listening connection
     * @param pool the hub's pool, that notices are sent over
     * @param self this node's name
     */
    public ClusterNotices(String url, DataSource pool, String self) {
        this.url = url;
        this.pool = pool;
        this.self = self;
        this.work = Executors.newSingleThreadExecutor(task -> daemon(task, "hub-cluster-notices"));
        this.listener = daemon(this::listen, "hub-cluster-listen");
    }

    /**
     * Starts listening and returns once the first {@code LISTEN} is in place (or failed, then the
     * listener keeps trying), so a notice sent after the start is heard.
     */
    public ClusterNotices start() {
        synchronized (this) {
            listener.start();
            try {
                // Bounded: the listener says when its first attempt ended, whatever its outcome.
                wait(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return this;
    }

    /** Runs {@code handler} for every notice of {@code kind} another node sends. */
    public void on(String kind, Consumer<JsonNode> handler) {
        handlers.computeIfAbsent(kind, any -> new CopyOnWriteArrayList<>()).add(handler);
    }

    /** True while the listening connection is up. */
    public boolean listening() {
        return listening;
    }

    /** How many times a LISTEN was put in place: 1 after the start, one more per reconnection. */
    public synchronized int listens() {
        return listens;
    }

    /**
     * Waits until a LISTEN was put in place {@code times} times in all, at most {@code bound}.
     *
     * @return whether it was
     */
    public synchronized boolean awaitListens(int times, java.time.Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (listens < times && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return listens >= times;
    }

    public String self() {
        return self;
    }

    /**
     * Sends a notice to every other node: {@code fields} and the kind and sender.
     *
     * @return false when the database did not take it (logged); the state it points at is in the
     *     database anyway, and other nodes catch up with it at their next look
     */
    public boolean publish(String kind, Map<String, ?> fields) {
        ObjectNode notice = JSON.valueToTree(fields);
        notice.put("kind", kind);
        notice.put("from", self);
        String payload = notice.toString();
        if (payload.length() > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a " + kind + " notice of " + payload.length() + " characters is over "
                    + MAX_PAYLOAD);
        }
        try (Connection connection = pool.getConnection();
                PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, CHANNEL);
            notify.setString(2, payload);
            notify.execute();
            return true;
        } catch (SQLException e) {
            LOG.warn("node {} notice {} not sent: {}", LogText.of(self), kind, LogText.of(e.getMessage()));
            return false;
        }
    }

    private void listen() {
        boolean lostLogged = false;
        boolean first = true;
        while (!closed) {
            try (Connection connection = DriverManager.getConnection(url)) {
                try (Statement sql = connection.createStatement()) {
                    sql.execute("LISTEN " + CHANNEL);
                }
                synchronized (this) {
                    listening = true;
                    listens++;
                    notifyAll();
                }
                if (lostLogged) {
                    LOG.info("node {} hears the cluster's notices again", LogText.of(self));
                    lostLogged = false;
                }
                first = started(first);
                PGConnection notices = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] arrived = notices.getNotifications(POLL_MILLIS);
                    if (arrived != null) {
                        for (PGNotification notice : arrived) {
                            hand(notice.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                listening = false;
                first = started(first);
                if (!closed && !lostLogged) {
                    LOG.warn("node {} does not hear the cluster's notices: {}; trying again every second",
                            LogText.of(self), LogText.of(e.getMessage()));
                    lostLogged = true;
                }
                pause();
            }
        }
        listening = false;
    }

    private boolean started(boolean first) {
        if (first) {
            synchronized (this) {
                notifyAll();
            }
        }
        return false;
    }

    private void hand(String payload) {
        JsonNode notice;
        try {
            notice = JSON.readTree(payload);
        } catch (java.io.IOException e) {
            LOG.warn("node {} ignored a notice that is not JSON: {}", LogText.of(self), LogText.of(payload));
            return;
        }
        if (self.equals(notice.path("from").asText()) || !notice.isObject()) {
            return;
        }
        String kind = notice.path("kind").asText();
        for (Consumer<JsonNode> handler : handlers.getOrDefault(kind, new CopyOnWriteArrayList<>())) {
            work.execute(() -> {
                try {
                    handler.accept(notice);
                } catch (RuntimeException e) {
                    LOG.warn("node {} notice {} from {} not followed: {}", LogText.of(self), LogText.of(kind),
                            LogText.of(notice.path("from").asText()), e.toString());
                }
            });
        }
    }

    private void pause() {
        synchronized (this) {
            if (!closed) {
                try {
                    // Woken early by close().
                    wait(RECONNECT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        listener.join(POLL_MILLIS * 4L);
        work.shutdown();
        if (!work.awaitTermination(5, TimeUnit.SECONDS)) {
            work.shutdownNow();
            LOG.warn("node {} notice handlers did not finish within 5 s", LogText.of(self));
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
