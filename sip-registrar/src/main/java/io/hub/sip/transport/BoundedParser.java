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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the {@link MessageParser} with a time limit, so that a message the parser never finishes
 * cannot stop SIP. Each parse runs on a thread of its own pool while the worker waits for it; past
 * the limit the worker goes on (the message is refused) and the parse is interrupted. A parse that
 * ignores the interrupt keeps its thread: such a thread is counted as stuck and the pool makes a new
 * one for the next message, up to {@link #MAX_STUCK} stuck threads; the bytes that hung are
 * remembered ({@link #REMEMBERED} of them), so the same message sent again is refused unparsed.
 *
 * <p>The pool has no queue: a parse starts at once on a free or new thread, and there are never
 * more parses than workers waiting for them plus stuck threads.
 */
final class BoundedParser implements AutoCloseable {

    /** Threads a never-ending parse may hold before messages are refused unparsed. */
    static final int MAX_STUCK = 16;
    /** Messages that hung, remembered by their SHA-256 so they are not parsed twice. */
    static final int REMEMBERED = 256;

    /** What came of one parse: the message, or null with at least one error. */
    record Result(SIPMessage message, List<String> errors, boolean timedOut) {
    }

    private final MessageParser parser;
    private final long limitMillis;
    private final ThreadPoolExecutor pool;
    private final AtomicInteger stuck = new AtomicInteger();
    private final Map<ByteBuffer, Boolean> hung = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            });

    /** @param callers the most threads that call {@link #parse} at once (the workers) */
    BoundedParser(MessageParser parser, long limitMillis, int callers) {
        this.parser = parser;
        this.limitMillis = limitMillis;
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, callers + MAX_STUCK, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "sip-parse-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Parses {@code bytes} within the time limit; never throws for what the bytes hold. */
    Result parse(byte[] bytes) {
        // Synchronised: a parser past its time limit may still be adding while the answer is read.
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        // Hashed only once some message has hung: until then no message can be one that did.
        if (!hung.isEmpty() && hung.containsKey(ByteBuffer.wrap(sha256(bytes)))) {
            errors.add("this message did not parse within " + limitMillis + " ms before");
            return new Result(null, errors, true);
        }
        if (stuck.get() >= MAX_STUCK) {
            errors.add(MAX_STUCK + " parses never ended: the parser is refusing work");
            return new Result(null, errors, true);
        }
        Parse parse = new Parse(bytes, errors);
        try {
            pool.execute(parse);
        } catch (RejectedExecutionException stopping) {
            errors.add(pool.isShutdown() ? "the server is stopping" : "no parser thread is free");
            return new Result(null, errors, false);
        }
        try {
            return new Result(parse.result.get(limitMillis, TimeUnit.MILLISECONDS), errors, false);
        } catch (TimeoutException e) {
            parse.abandon();
            hung.put(ByteBuffer.wrap(sha256(bytes)), Boolean.TRUE);
            errors.add("parsing took longer than " + limitMillis + " ms");
            return new Result(null, errors, true);
        } catch (ExecutionException e) {
            errors.add(e.getCause() instanceof ParseException failed ? failed.getMessage()
                    : String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.add("interrupted");
        }
        return new Result(null, errors, false);
    }

    /**
     * One parse on a pool thread. It always runs once started (never cancelled before it begins), so
     * a parse abandoned as stuck is counted off again when it does end.
     */
    private final class Parse implements Runnable {
        private static final int RUNNING = 0;
        private static final int DONE = 1;
        private static final int ABANDONED = 2;

        final CompletableFuture<SIPMessage> result = new CompletableFuture<>();
        private final byte[] bytes;
        private final List<String> errors;
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private volatile Thread thread;

        Parse(byte[] bytes, List<String> errors) {
            this.bytes = bytes;
            this.errors = errors;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            try {
                result.complete(parser.parse(bytes, (exception, message, headerClass, header, text) -> errors.add(
                        (headerClass == null ? "header" : headerClass.getSimpleName()) + ": "
                                + String.valueOf(header).strip())));
            } catch (Exception | StackOverflowError e) {
                result.completeExceptionally(e);
            } finally {
                thread = null;
                if (!state.compareAndSet(RUNNING, DONE)) {
                    stuck.decrementAndGet();
                }
                // The pool thread is reused: an interrupt meant for this parse must not reach the next.
                Thread.interrupted();
            }
        }

        /** The caller stopped waiting: the parse is stuck until it ends, and is asked to stop. */
        void abandon() {
            if (state.compareAndSet(RUNNING, ABANDONED)) {
                stuck.incrementAndGet();
                Thread running = thread;
                if (running != null) {
                    running.interrupt();
                }
            }
        }
    }

    /** Parses that ran past their limit and have not ended since. */
    int stuck() {
        return stuck.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
