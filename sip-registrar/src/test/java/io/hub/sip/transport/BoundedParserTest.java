package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watchdog's rules, on a clock the test moves: no test here waits for a limit to pass. */
class BoundedParserTest {

    private static final long LIMIT_MILLIS = 1_000;

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger lost = new AtomicInteger();
    private final AtomicInteger back = new AtomicInteger();
    private final AtomicInteger parses = new AtomicInteger();
    /** Counted down by a test or after it: until then a message with an X-Hang header does not finish. */
    private final CountDownLatch release = new CountDownLatch(1);
    /** A permit for each hanging message that reached the parser. */
    private final Semaphore hanging = new Semaphore(0);
    private final List<Thread> callers = new ArrayList<>();

    private final BoundedParser parser = new BoundedParser((bytes, errors) -> {
        parses.incrementAndGet();
        if (new String(bytes, StandardCharsets.UTF_8).contains("X-Hang:")) {
            hanging.release();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return MessageParser.JAIN_SIP.parse(bytes, errors);
    }, LIMIT_MILLIS, new BoundedParser.Threads() {
        @Override
        public void lost() {
            lost.incrementAndGet();
        }

        @Override
        public void back() {
            back.incrementAndGet();
        }
    }, now::get, false);

    @AfterEach
    void releaseEveryParse() throws InterruptedException {
        release.countDown();
        for (Thread caller : callers) {
            caller.join(10_000);
        }
        parser.close();
    }

    @Test
    void aParseThatEndsInTimeGivesItsMessageAndTheWatchdogLeavesItAlone() {
        BoundedParser.Result result = parser.parse(options("ok").getBytes(StandardCharsets.UTF_8),
                () -> { throw new AssertionError("given up on a parse that ended"); });
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10 * LIMIT_MILLIS));
        parser.giveUpLate();

        assertNotNull(result.message());
        assertTrue(result.errors().isEmpty());
        assertFalse(result.timedOut());
        assertEquals(0, parser.stuck());
        assertEquals(0, lost.get());
    }

    @Test
    void aParseJustUnderTheLimitIsNotGivenUpOn() throws Exception {
        AtomicInteger givenUp = new AtomicInteger();
        CompletableFuture<BoundedParser.Result> result = hangingWhile("slow", givenUp,
                TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS) - 1);
        release.countDown();

        assertNotNull(result.get(10, TimeUnit.SECONDS).message());
        assertEquals(0, givenUp.get());
        assertEquals(0, parser.stuck());
    }

    @Test
    void aParsePastTheLimitIsGivenUpOnWhileItRunsAndTimesOutWhenItEnds() throws Exception {
        AtomicInteger givenUp = new AtomicInteger();
        CompletableFuture<BoundedParser.Result> result = hangingWhile("hang", givenUp,
                TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS));
        parser.giveUpLate();

        assertEquals(1, givenUp.get(), "its caller's side is told once, while the parse still runs");
        assertFalse(result.isDone());
        assertEquals(1, parser.stuck());
        assertEquals(1, lost.get(), "the owner makes up for the thread");

        release.countDown();
        BoundedParser.Result ended = result.get(10, TimeUnit.SECONDS);
        assertNull(ended.message(), "a message given up on is not handled after all");
        assertTrue(ended.timedOut());
        assertTrue(ended.givenUp());
        assertEquals(0, parser.stuck());
        assertEquals(1, back.get(), "the owner gets the thread back");
    }

    @Test
    void aMessageThatHungIsRefusedUnparsedWhenSentAgain() throws Exception {
        hangingWhile("again", new AtomicInteger(), TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS));
        byte[] hang = hangingOptions("again").getBytes(StandardCharsets.UTF_8);
        int before = parses.get();

        BoundedParser.Result again = parser.parse(hang, () -> { });

        assertTrue(again.timedOut());
        assertFalse(again.givenUp(), "refused before parsing: the caller refuses its flow itself");
        assertEquals(before, parses.get());
        assertEquals(1, again.errors().size());
    }

    @Test
    void pastTheCapOfStuckParsesMessagesAreRefusedUnparsed() throws Exception {
        for (int i = 0; i < BoundedParser.MAX_STUCK; i++) {
            parseAside(hangingOptions("stuck-" + i), new AtomicInteger());
        }
        assertTrue(hanging.tryAcquire(BoundedParser.MAX_STUCK, 10, TimeUnit.SECONDS));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS));
        parser.giveUpLate();
        assertEquals(BoundedParser.MAX_STUCK, parser.stuck());
        int before = parses.get();

        BoundedParser.Result refused = parser.parse(options("fine").getBytes(StandardCharsets.UTF_8), () -> { });

        assertTrue(refused.timedOut());
        assertNull(refused.message());
        assertEquals(before, parses.get(), "not parsed");
        assertEquals(BoundedParser.MAX_STUCK, lost.get());
    }

    /**
     * A hanging message parsed aside; once it reached the parser, the clock moves on by {@code nanos}
     * and the watchdog makes its round.
     */
    private CompletableFuture<BoundedParser.Result> hangingWhile(String callId, AtomicInteger givenUp, long nanos)
            throws InterruptedException {
        CompletableFuture<BoundedParser.Result> result = parseAside(hangingOptions(callId), givenUp);
        assertTrue(hanging.tryAcquire(10, TimeUnit.SECONDS));
        now.addAndGet(nanos);
        parser.giveUpLate();
        return result;
    }

    /** Parses {@code message} on a thread of its own, as a worker would. */
    private CompletableFuture<BoundedParser.Result> parseAside(String message, AtomicInteger givenUp) {
        CompletableFuture<BoundedParser.Result> result = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            result.complete(parser.parse(message.getBytes(StandardCharsets.UTF_8), givenUp::incrementAndGet));
        }, "test-caller");
        caller.setDaemon(true);
        callers.add(caller);
        caller.start();
        return result;
    }

    private static String hangingOptions(String callId) {
        return options(callId).replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nX-Hang: 1\r\n");
    }

    private static String options(String callId) {
        return "OPTIONS sip:hub.test SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-" + callId + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:1001@hub.test>;tag=a\r\n"
                + "To: <sip:hub.test>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }
}
