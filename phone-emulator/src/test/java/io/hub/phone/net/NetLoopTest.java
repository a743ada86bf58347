package io.hub.phone.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NetLoopTest {

    @Test
    void aCancelledTimerLeavesNothingBehind() {
        try (NetLoop loop = new NetLoop("timers")) {
            List<ScheduledFuture<?>> timeouts = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                timeouts.add(loop.schedule(() -> { }, Duration.ofMinutes(5)));
            }
            assertEquals(1_000, loop.timersPending());

            timeouts.forEach(timeout -> timeout.cancel(false));

            assertEquals(0, loop.timersPending());
        }
    }

    @Test
    void aTimerNotCancelledRunsOnTheLoop() throws InterruptedException {
        try (NetLoop loop = new NetLoop("timers")) {
            CountDownLatch ran = new CountDownLatch(1);
            boolean[] onLoop = new boolean[1];
            loop.schedule(() -> {
                onLoop[0] = loop.inLoop();
                ran.countDown();
            }, Duration.ofMillis(1));

            assertTrue(ran.await(10, TimeUnit.SECONDS));
            assertTrue(onLoop[0]);
            assertEquals(0, loop.timersPending());
        }
    }
}
