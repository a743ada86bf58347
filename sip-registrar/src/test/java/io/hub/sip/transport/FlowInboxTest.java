package io.hub.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inbox hands messages on in order, pauses reading when the handler is behind, and closes last. */
class FlowInboxTest {

    private final ArrayDeque<Runnable> workers = new ArrayDeque<>();
    private final List<String> handled = new ArrayList<>();
    private int pauses;
    private int resumes;
    private boolean stopping;

    private final FlowInbox inbox = new FlowInbox(this, new FlowInbox.Owner() {
        @Override
        public void dispatch(Runnable turn) {
            workers.add(turn);
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public void pauseReading() {
            pauses++;
        }

        @Override
        public void resumeReading() {
            resumes++;
        }

        @Override
        public void message(byte[] message) {
            handled.add(new String(message, java.nio.charset.StandardCharsets.US_ASCII));
        }

        @Override
        public void closed(String why) {
            handled.add("closed: " + why);
        }
    });

    @Test
    void messagesAreHandledInOrderABatchAtATurnAndTheCloseComesLast() {
        for (int i = 0; i < FlowInbox.BATCH + 2; i++) {
            inbox.add(("m" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        inbox.close("bye");
        assertEquals(1, workers.size(), "one turn at a time");

        runWorkers(10);

        assertEquals(FlowInbox.BATCH + 3, handled.size());
        assertEquals("m0", handled.get(0));
        assertEquals("m" + (FlowInbox.BATCH + 1), handled.get(FlowInbox.BATCH + 1));
        assertEquals("closed: bye", handled.get(handled.size() - 1));
    }

    @Test
    void readingPausesWhenTheHandlerIsBehindAndResumesWhenItCatchesUp() {
        for (int i = 0; i < FlowInbox.PAUSE_AT_MESSAGES - 1; i++) {
            inbox.add(new byte[] {'x'});
        }
        assertFalse(inbox.readPaused());
        inbox.add(new byte[] {'x'});
        assertTrue(inbox.readPaused());
        assertEquals(1, pauses);

        runWorkers(10);

        assertFalse(inbox.readPaused());
        assertEquals(1, resumes);
        assertEquals(FlowInbox.PAUSE_AT_MESSAGES, handled.size());
    }

    @Test
    void oneLargeMessagePausesReadingByItsBytes() {
        inbox.add(new byte[FlowInbox.PAUSE_AT_BYTES]);

        assertTrue(inbox.readPaused());
    }

    @Test
    void nothingIsHandledOnceTheServerStops() {
        inbox.add(new byte[] {'x'});
        stopping = true;

        runWorkers(10);

        assertTrue(handled.isEmpty());
    }

    private void runWorkers(int turns) {
        for (int i = 0; i < turns && !workers.isEmpty(); i++) {
            workers.poll().run();
        }
        assertTrue(workers.isEmpty(), "all turns ran");
    }
}
