package io.hub.phone.fleet;

import io.hub.phone.Phone;
import io.hub.phone.Step;
import io.hub.phone.call.MediaClock;
import io.hub.phone.call.MediaReport;
import io.hub.phone.call.PhoneCalls;
import io.hub.phone.net.NetLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Calls between a fleet's registered phones: phone 2k calls phone 2k+1 (round the fleet when there
 * are more calls than pairs), ten calls started a second, all with the same length. Every phone
 * answers; what each side received is added to the fleet's media figures.
 */
public final class FleetCalls {

    private static final double CALLS_PER_SECOND = 10;

    private FleetCalls() {
    }

    /** A {@link Fleet.CallMaker}. */
    public static CompletableFuture<Void> run(List<Phone> phones, int calls, Duration length, FleetStats stats) {
        if (phones.size() < 2) {
            stats.callsFailed.addAndGet(calls);
            stats.failure(Step.CALL_SETUP, "fewer than two registered phones");
            return CompletableFuture.completedFuture(null);
        }
        NetLoop loop = phones.get(0).loop();
        CompletableFuture<Void> all = new CompletableFuture<>();
        loop.execute(() -> {
            MediaClock clock = new MediaClock(loop);
            List<PhoneCalls> handlers = new ArrayList<>();
            for (Phone phone : phones) {
                PhoneCalls handler = new PhoneCalls(loop, clock, phone.config().mediaPortMin(),
                        phone.config().mediaPortMax(), new PhoneCalls.Watcher() {
                            @Override
                            public void established(boolean outgoing) {
                                if (outgoing) {
                                    stats.inCall.incrementAndGet();
                                }
                            }

                            @Override
                            public void ended(PhoneCalls.CallResult result) {
                                if (result.outgoing() && result.received() != null) {
                                    stats.inCall.decrementAndGet();
                                }
                                if (result.received() != null) {
                                    MediaReport media = result.received();
                                    stats.media(media.sent(), media.received(), media.lossPercent(),
                                            media.jitterMillis());
                                }
                            }
                        });
                phone.agent().calls(handler);
                handlers.add(handler);
            }
            List<CompletableFuture<?>> results = new ArrayList<>();
            for (int k = 0; k < calls; k++) {
                int caller = (2 * k) % phones.size();
                int callee = (2 * k + 1) % phones.size();
                CompletableFuture<Object> done = new CompletableFuture<>();
                results.add(done);
                loop.schedule(() -> {
                    stats.callsMade.incrementAndGet();
                    Phone from = phones.get(caller);
                    handlers.get(caller).call(from.agent(), phones.get(callee).config().user(), length)
                            .whenComplete((result, error) -> {
                                if (result != null && result.answered()) {
                                    stats.callsAnswered.incrementAndGet();
                                    stats.step(Step.CALL_SETUP, result.setup());
                                } else {
                                    stats.callsFailed.incrementAndGet();
                                    stats.failure(Step.CALL_SETUP, result == null ? String.valueOf(error)
                                            : result.reason());
                                }
                                done.complete(null);
                            });
                }, Duration.ofMillis((long) (k * 1000 / CALLS_PER_SECOND)));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).whenComplete((r, e) -> all.complete(null));
        });
        return all;
    }
}
