package io.hub.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relay I/O thread: a {@link Selector} over the channels of the sessions placed on it. Both legs
 * of a session live on one loop, so a packet is read and forwarded by one thread without a hand-off;
 * sessions are spread over one loop per core, and since each session has its own monitor, loops
 * never wait for each other.
 *
 * <p>The thread blocks in {@code select} (never spins), reads from each ready channel, and wakes at
 * least once every {@code tickMillis} to run its tick (the dead-stream check on the first loop). While
 * it keeps up, one read a ready channel a wake-up: the selector is level-triggered, so a channel with
 * more queued is ready again at the next {@code select}, and reading on until a read finds nothing would
 * cost a failed {@code recvfrom} for almost every packet, since a phone's port rarely holds more than one.
 *
 * <p>When a wake-up finds {@link #BEHIND_READY_CHANNELS} or more channels ready, the loop is behind and
 * the sockets are queuing: until a wake-up finds fewer, it reads up to {@link #READS_WHEN_BEHIND}
 * datagrams from each ready channel. One read a wake-up let a relay past its capacity fall further
 * behind: every datagram waited for a whole round of the selector, cold by then, with the call's state,
 * and cost more than the one before (on one core, 1,250 terminated calls fell to 82,000 packets a second
 * delivered with a third lost; reading up to four, the same core carries 1,400 calls, 140,000 a second,
 * without loss). The reads stay bounded, so a flooded port still cannot starve the others.
 */
final class RelayLoop {

    private static final Logger LOG = LoggerFactory.getLogger(RelayLoop.class);
    /** Larger than any RTP packet on an Ethernet path; a datagram filling it is taken as truncated. */
    static final int MAX_DATAGRAM = 2048;
    /** Room past the datagram for the largest SRTCP index and tag the relay appends. */
    private static final int TRAILER_ROOM = 64;
    private static final long CONTROL_WAIT_SECONDS = 5;
    /** Channels ready at one wake-up from which the loop counts itself behind. */
    static final int BEHIND_READY_CHANNELS = 64;
    /** Datagrams read from a ready channel a wake-up while the loop is behind. */
    static final int READS_WHEN_BEHIND = 4;

    private final String name;
    private final Selector selector;
    private final LongSupplier millis;
    private final long tickMillis;
    private final LongConsumer tick;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM + TRAILER_ROOM);
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile Thread thread;
    private volatile boolean running;
    private long lastTick;
    private int readsPerChannel = 1;

    /**
     * @param millis the injected clock's time, for forwarding and the tick
     * @param tick run on this loop's thread every {@code tickMillis} with the time; null for none
     */
    RelayLoop(String name, LongSupplier millis, long tickMillis, LongConsumer tick) throws IOException {
        this.name = name;
        this.selector = Selector.open();
        this.millis = millis;
        this.tickMillis = tickMillis;
        this.tick = tick;
    }

    void start() {
        running = true;
        lastTick = millis.getAsLong();
        Thread started = new Thread(this::run, name);
        started.setDaemon(true);
        thread = started;
        started.start();
    }

    /** Sessions placed on this loop and not yet released: what the least loaded loop is chosen by. */
    int load() {
        return sessions.get();
    }

    /** Places {@code session} on this loop: its channels are read here from now on. */
    void add(RelaySession session) {
        sessions.incrementAndGet();
        try {
            run(() -> register(session));
        } catch (RuntimeException e) {
            sessions.decrementAndGet();
            throw e;
        }
    }

    /** Runs {@code close} (which closes the session's channels) here, then lets the channels' keys go. */
    void remove(Runnable close) {
        sessions.decrementAndGet();
        Runnable closeAndFlush = () -> {
            close.run();
            flushCancelledKeys();
        };
        if (running) {
            run(closeAndFlush);
        } else {
            closeAndFlush.run();
        }
    }

    /** Stops the thread after it ran what was queued, and closes the selector. */
    void stop() {
        running = false;
        selector.wakeup();
        Thread current = thread;
        if (current != null && current != Thread.currentThread()) {
            try {
                current.join(TimeUnit.SECONDS.toMillis(CONTROL_WAIT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("relay selector close failed: {}", e.toString());
        }
    }

    private void register(RelaySession session) {
        for (Side side : Side.values()) {
            RelayLeg leg = session.leg(side);
            try {
                leg.rtpChannel.register(selector, SelectionKey.OP_READ, new Endpoint(session, leg, false));
                if (leg.rtcpChannel != null) {
                    leg.rtcpChannel.register(selector, SelectionKey.OP_READ, new Endpoint(session, leg, true));
                }
            } catch (ClosedChannelException e) {
                // released before this loop got to it
                return;
            }
        }
    }

    private void run() {
        while (running) {
            try {
                // The consumer form fills no selected-key set: no set entry or iterator garbage per wake-up.
                // It reads inside select, so how many channels this wake-up found sets the next one's reads.
                readsPerChannel = readsPerReadyChannel(selector.select(this::ready, tickMillis));
                runTasks();
                long now = millis.getAsLong();
                if (tick != null && (now - lastTick >= tickMillis || now < lastTick)) {
                    lastTick = now;
                    tick.accept(now);
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("relay I/O loop {} error, continuing", name, e);
            }
        }
        runTasks();
    }

    private void ready(SelectionKey key) {
        if (key.isValid() && key.isReadable()) {
            read(key);
        }
    }

    /** How many datagrams to read from each ready channel, after a wake-up that found {@code ready}. */
    static int readsPerReadyChannel(int ready) {
        return ready >= BEHIND_READY_CHANNELS ? READS_WHEN_BEHIND : 1;
    }

    private void read(SelectionKey key) {
        for (int i = 0; i < readsPerChannel; i++) {
            if (!readOne(key)) {
                return;
            }
        }
    }

    /** Reads and forwards one datagram; false when the channel had none (or failed). */
    private boolean readOne(SelectionKey key) {
        Endpoint endpoint = (Endpoint) key.attachment();
        DatagramChannel channel = (DatagramChannel) key.channel();
        buffer.clear().limit(MAX_DATAGRAM);
        InetSocketAddress source;
        try {
            source = (InetSocketAddress) channel.receive(buffer);
        } catch (IOException e) {
            // An ICMP port-unreachable surfaces here on Linux; the datagrams behind it are read next time.
            return false;
        }
        if (source == null) {
            return false;
        }
        buffer.flip();
        if (buffer.limit() == MAX_DATAGRAM) {
            buffer.limit(0);
        }
        try {
            endpoint.session().forward(endpoint.leg(), endpoint.rtcpPort(), source, buffer, millis.getAsLong(),
                    System.nanoTime());
        } catch (RuntimeException e) {
            LOG.warn("relay call {} leg {}: packet from {} failed: {}", endpoint.session().callId(),
                    endpoint.leg().side, source, e.toString());
        }
        return true;
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /** Runs {@code task} on this loop's thread and waits for it (or runs it here if this is that thread). */
    private void run(Runnable task) {
        if (Thread.currentThread() == thread) {
            task.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        selector.wakeup();
        try {
            done.get(CONTROL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for relay I/O thread " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("relay I/O thread " + name + " did not run a control task: " + e, e);
        }
    }

    private void flushCancelledKeys() {
        if (!selector.isOpen()) {
            return; // closed with the relay: its keys went with it
        }
        try {
            selector.selectNow(this::ready);
        } catch (IOException e) {
            LOG.warn("relay selector flush failed: {}", e.toString());
        }
    }

    private record Endpoint(RelaySession session, RelayLeg leg, boolean rtcpPort) {
    }
}
