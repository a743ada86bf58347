package io.hub.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Runs the {@link MessageParser} on the caller's thread, watched, so that a message the parser never
 * finishes cannot stop SIP. A watchdog gives up on a parse still running past the limit: it counts
 * it as stuck, remembers its bytes ({@link #REMEMBERED} of them, so the same message sent again is
 * refused unparsed), tells the caller's side through the parse's own {@code givenUp} (its flow is
 * closed) and tells the owner that a thread is lost ({@link Threads#lost}, the worker pool makes
 * one more). When such a parse ends after all, its caller hears that it timed out, and the owner
 * gets the thread back. Past {@link #MAX_STUCK} stuck parses, messages are refused unparsed.
 *
 * <p>The parse runs where the message is handled, rather than on a parser thread the worker hands
 * it to and waits for: that hand-off cost two thread switches per message, and the switches were
 * the largest part of the hub's system time under REGISTER load.
 *
 * <p>A stuck thread is not interrupted: a parser does not block, so an interrupt would not stop it,
 * and one left on a worker would reach H2, which closes its file when a thread is interrupted
 * inside a write.
 */
final class BoundedParser implements AutoCloseable {

    /** Threads a never-ending parse may hold before messages are refused unparsed. */
    static final int MAX_STUCK = 16;
    /** Messages that hung, remembered by their SHA-256 so they are not parsed twice. */
    static final int REMEMBERED = 256;

    /**
     * What came of one parse: the message, or null with at least one error.
     *
     * @param timedOut the message was refused for its time: now, or unparsed, as one that hung before
     * @param givenUp the watchdog gave up on it while it ran (its {@code givenUp} has run)
     */
    record Result(SIPMessage message, List<String> errors, boolean timedOut, boolean givenUp) {
    }

    /** What the owner of the parsing threads hears of parses given up on. */
    interface Threads {
        /** A parse was given up on: its thread is held until the parse ends, if ever. */
        void lost();

        /** A parse given up on has ended: its thread is back. */
        void back();
    }

    private final MessageParser parser;
    private final long limitNanos;
    private final LongSupplier nanoTime;
    private final Threads threads;
    private final ScheduledExecutorService watchdog;
    private final Set<Parse> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger stuck = new AtomicInteger();
    private final Map<ByteBuffer, Boolean> hung = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            });

    /** Watched by a thread of its own, which looks at the running parses four times per limit. */
    BoundedParser(MessageParser parser, long limitMillis, Threads threads) {
        this(parser, limitMillis, threads, System::nanoTime, true);
    }

    /**
     * @param nanoTime the clock the limit is measured on
     * @param watched false for a parser whose {@link #giveUpLate} only a test calls
     */
    BoundedParser(MessageParser parser, long limitMillis, Threads threads, LongSupplier nanoTime, boolean watched) {
        this.parser = parser;
        this.limitNanos = TimeUnit.MILLISECONDS.toNanos(limitMillis);
        this.threads = threads;
        this.nanoTime = nanoTime;
        if (watched) {
            this.watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "sip-parse-watchdog");
                thread.setDaemon(true);
                return thread;
            });
            long period = Math.max(1, limitMillis / 4);
            watchdog.scheduleWithFixedDelay(this::giveUpLate, period, period, TimeUnit.MILLISECONDS);
        } else {
            this.watchdog = null;
        }
    }

    /**
     * Parses {@code bytes} on this thread; never throws for what the bytes hold.
     *
     * @param givenUp run on the watchdog's thread if the parse is given up on, while it still runs
     */
    Result parse(byte[] bytes, Runnable givenUp) {
        List<String> errors = new ArrayList<>();
        // Hashed only once some message has hung: until then no message can be one that did.
        if (!hung.isEmpty() && hung.containsKey(ByteBuffer.wrap(sha256(bytes)))) {
            errors.add("this message did not parse within " + limitMillis() + " ms before");
            return new Result(null, errors, true, false);
        }
        if (stuck.get() >= MAX_STUCK) {
            errors.add(MAX_STUCK + " parses never ended: the parser is refusing work");
            return new Result(null, errors, true, false);
        }
        Parse parse = new Parse(bytes, givenUp, nanoTime.getAsLong());
        running.add(parse);
        SIPMessage message = null;
        try {
            message = parser.parse(bytes, (exception, failed, headerClass, header, text) -> errors.add(
                    (headerClass == null ? "header" : headerClass.getSimpleName()) + ": "
                            + String.valueOf(header).strip()));
        } catch (ParseException e) {
            errors.add(e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            errors.add(String.valueOf(e));
        } finally {
            running.remove(parse);
        }
        if (!parse.finish()) {
            stuck.decrementAndGet();
            threads.back();
            return new Result(null, List.of("parsing took longer than " + limitMillis() + " ms"), true, true);
        }
        return new Result(message, errors, false, false);
    }

    /** The watchdog's round: every parse running past the limit is given up on. */
    void giveUpLate() {
        long now = nanoTime.getAsLong();
        for (Parse parse : running) {
            if (now - parse.startedAt >= limitNanos && parse.giveUp()) {
                stuck.incrementAndGet();
                hung.put(ByteBuffer.wrap(sha256(parse.bytes)), Boolean.TRUE);
                threads.lost();
                try {
                    parse.givenUp.run();
                } catch (RuntimeException e) {
                    // The flow could not be closed; the count and the memory above still hold.
                }
            }
        }
    }

    /** One parse under way, which either ends or is given up on first, never both. */
    private static final class Parse {
        private static final int RUNNING = 0;
        private static final int DONE = 1;
        private static final int GIVEN_UP = 2;

        final byte[] bytes;
        final Runnable givenUp;
        final long startedAt;
        private final AtomicInteger state = new AtomicInteger(RUNNING);

        Parse(byte[] bytes, Runnable givenUp, long startedAt) {
            this.bytes = bytes;
            this.givenUp = givenUp;
            this.startedAt = startedAt;
        }

        /** False when the watchdog gave up on it first. */
        boolean finish() {
            return state.compareAndSet(RUNNING, DONE);
        }

        /** False when it ended first. */
        boolean giveUp() {
            return state.compareAndSet(RUNNING, GIVEN_UP);
        }
    }

    long limitMillis() {
        return TimeUnit.NANOSECONDS.toMillis(limitNanos);
    }

    /** Parses past their time limit that still hold a thread. */
    int stuck() {
        return stuck.get();
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
