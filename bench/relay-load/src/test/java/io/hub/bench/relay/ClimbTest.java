package io.hub.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** The climb's levels and what it says stopped it, over made-up relays and generators. */
class ClimbTest {

    private final List<Integer> tried = new ArrayList<>();

    @Test
    void aRelayThatLosesPastItsTopIsTheLimitEvenWhenTheFirstFailureHadTheGeneratorLateToo() throws Exception {
        // The relay loses from 1,200 calls; the generator falls behind from 1,400.
        Climb.Found found = Climb.search(200, 3200, 2, 0.001, level(calls -> calls >= 1200, calls -> calls >= 1400));

        assertEquals(List.of(200, 300, 450, 670, 1000, 1500, 1250, 1120), tried);
        assertEquals(1120, found.result().calls());
        assertEquals("loss", found.limit(), "1,250, the failure nearest above, was the relay's loss");
    }

    @Test
    void aGeneratorBehindNearestAboveIsTheLimit() throws Exception {
        // The generator falls behind from 1,200 calls; the relay would lose only from 2,000.
        Climb.Found found = Climb.search(200, 3200, 2, 0.001, level(calls -> calls >= 2000, calls -> calls >= 1200));

        assertEquals(1120, found.result().calls());
        assertEquals("generator", found.limit());
    }

    @Test
    void noFailureUpToTheMostAskedIsTheMax() throws Exception {
        Climb.Found found = Climb.search(200, 700, 2, 0.001, level(calls -> false, calls -> false));

        assertEquals(List.of(200, 300, 450, 670, 700), tried);
        assertEquals(700, found.result().calls());
        assertEquals("max", found.limit());
    }

    @Test
    void aStartThatFailsIsHalvedTowardsNothing() throws Exception {
        Climb.Found found = Climb.search(200, 3200, 2, 0.001, level(calls -> calls >= 150, calls -> false));

        assertEquals(List.of(200, 100, 150), tried);
        assertEquals(100, found.result().calls());
        assertEquals("loss", found.limit());
    }

    @Test
    void whenNoLevelPassesTheFirstIsReported() throws Exception {
        Climb.Found found = Climb.search(200, 3200, 2, 0.001, level(calls -> true, calls -> false));

        assertEquals(List.of(200, 100, 50), tried);
        assertEquals(200, found.result().calls());
        assertEquals("loss", found.limit());
    }

    /** Levels that lose 5 % of their packets where {@code loses}, and run 20 % late where {@code late}. */
    private Climb.Level level(IntPredicate loses, IntPredicate late) {
        return calls -> {
            tried.add(calls);
            long sent = calls * 100L;
            long received = loses.test(calls) ? sent * 95 / 100 : sent;
            return new LoadStep.Result(calls, 1, sent, received, 0, 0, 100, 200, 0.5, 0.5,
                    late.test(calls) ? 0.2 : 0, 0.1, null);
        };
    }
}
