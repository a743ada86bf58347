package io.hub.sip.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread and the connections it owns: it reads them, answers their pings, writes what
 * could not be written at once, and several times a second closes those past a deadline. It never
 * runs a handler and never blocks on a peer. Other threads reach it through {@link #execute}.
 *
 * <p>The read buffers are the loop's, shared by all its connections, so an idle connection holds
 * none: only a partial TLS record or an unfinished message is kept between reads.
 */
final class SelectorLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SelectorLoop.class);
    /**
     * How often every connection's deadlines are checked. Each check visits every connection of the
     * loop, so it is what holding phones costs when they only send keepalives: at 250 ms it was 41 %
     * of the hub's Java samples with 10,000 phones held. The shortest deadline it serves is the 10 s
     * handshake, so a second late at most is a tenth of it.
     */
    static final long SWEEP_MILLIS = 1_000;
    private static final int MIN_BUFFER = 32 * 1024;

    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private ByteBuffer netIn = ByteBuffer.allocate(MIN_BUFFER);
    private ByteBuffer appIn = ByteBuffer.allocate(MIN_BUFFER);
    private volatile boolean closed;

    SelectorLoop(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code task} on this loop's thread, soon. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Makes a select in progress see interest changes made from another thread. */
    void wakeup() {
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    Selector selector() {
        return selector;
    }

    /** The shared buffer network input is read into; its size is at least {@code capacity}. */
    ByteBuffer netIn(int capacity) {
        if (netIn.capacity() < capacity) {
            netIn = ByteBuffer.allocate(capacity);
        }
        return netIn;
    }

    /** The shared buffer TLS records are decrypted into; its size is at least {@code capacity}. */
    ByteBuffer appIn(int capacity) {
        if (appIn.capacity() < capacity) {
            appIn = ByteBuffer.allocate(capacity);
        }
        return appIn;
    }

    @Override
    public void run() {
        long lastSweep = SipServer.millis();
        while (!closed) {
            try {
                selector.select(SWEEP_MILLIS);
                runTasks();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    handle(key);
                }
                long now = SipServer.millis();
                if (now - lastSweep >= SWEEP_MILLIS) {
                    lastSweep = now;
                    sweep(now);
                }
            } catch (IOException | RuntimeException e) {
                // One bad turn must not end the loop that serves thousands of flows.
                LOG.error("sip selector turn failed", e);
            }
        }
        runTasks();
        for (SelectionKey key : selector.keys()) {
            ((Connection) key.attachment()).abandon();
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // Stopping; nothing is left to serve.
        }
    }

    private void runTasks() {
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("sip selector task failed", e);
            }
        }
    }

    private void handle(SelectionKey key) {
        Connection connection = (Connection) key.attachment();
        try {
            if (key.isValid() && key.isWritable()) {
                connection.writable();
            }
            if (key.isValid() && key.isReadable()) {
                connection.readable();
            }
        } catch (CancelledKeyException e) {
            // Closed by another thread meanwhile; nothing left to do for it.
        } catch (RuntimeException e) {
            LOG.error("sip connection {} failed", connection, e);
            connection.fail(e);
        }
    }

    private void sweep(long now) {
        for (SelectionKey key : selector.keys()) {
            Connection connection = (Connection) key.attachment();
            try {
                connection.sweep(now);
            } catch (CancelledKeyException e) {
                // Closed by another thread meanwhile.
            } catch (RuntimeException e) {
                LOG.error("sip connection {} failed", connection, e);
                connection.fail(e);
            }
        }
    }

    /** Stops the loop; every connection it still holds is closed without ceremony. */
    void close() {
        closed = true;
        selector.wakeup();
    }
}
