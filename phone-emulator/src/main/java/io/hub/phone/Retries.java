package io.hub.phone;

import io.hub.phone.net.NetLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One step tried as a phone tries it: each attempt under a deadline (past it the attempt is
 * abandoned, its connection closed, so a stalled server never holds the phone), failures a phone
 * would retry waited out with exponential backoff and jitter (or the server's Retry-After), and the
 * last failure reported when attempts run out.
 */
public final class Retries {

    /** Told before each new attempt. */
    interface Listener {
        void retrying(Step step, int attempt, Duration wait, StepFailure why);
    }

    private Retries() {
    }

    /**
     * @param attempt starts one attempt; runs on the loop
     * @param abandon closes whatever a timed-out attempt holds, with the reason
     */
    static <T> CompletableFuture<T> run(NetLoop loop, PhoneSettings settings, Step step, Duration deadline,
            Supplier<CompletableFuture<T>> attempt, Consumer<String> abandon, Listener listener) {
        CompletableFuture<T> result = new CompletableFuture<>();
        tryOnce(loop, settings, step, deadline, attempt, abandon, listener, result, 1);
        return result;
    }

    private static <T> void tryOnce(NetLoop loop, PhoneSettings settings, Step step, Duration deadline,
            Supplier<CompletableFuture<T>> attempt, Consumer<String> abandon, Listener listener,
            CompletableFuture<T> result, int number) {
        CompletableFuture<T> once;
        try {
            once = attempt.get();
        } catch (RuntimeException e) {
            once = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> running = once;
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (!running.isDone()) {
                String why = step.label() + " took longer than " + deadline.toSeconds() + " s";
                running.completeExceptionally(new TimeoutException(why));
                abandon.accept(why);
            }
        }, deadline);
        running.whenComplete((value, error) -> {
            timer.cancel(false);
            if (error == null) {
                result.complete(value);
                return;
            }
            StepFailure failure = StepFailure.of(error);
            if (!failure.retryable() || number >= settings.attempts()) {
                result.completeExceptionally(failure.afterAttempts(number));
                return;
            }
            Duration wait = backoff(settings, number, failure);
            listener.retrying(step, number + 1, wait, failure);
            loop.schedule(() -> tryOnce(loop, settings, step, deadline, attempt, abandon, listener, result,
                    number + 1), wait);
        });
    }

    /** A phone's registration: a new flow and REGISTER, tried with the settings' attempts and backoff. */
    public static CompletableFuture<SipUserAgent.Registration> register(NetLoop loop, PhoneSettings settings,
            SipUserAgent agent) {
        return run(loop, settings, Step.REGISTER, settings.stepDeadline().multipliedBy(2), agent::connectAndRegister,
                why -> {
                    if (agent.flow() != null) {
                        agent.flow().close(why);
                    }
                }, (step, attempt, wait, why) -> {
                });
    }

    /** The wait before attempt {@code failed + 1}: doubled each time, ±25 % so a fleet spreads out. */
    static Duration backoff(PhoneSettings settings, int failed, StepFailure failure) {
        long base = settings.backoff().toMillis() << Math.min(20, failed - 1);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        long jittered = (long) (capped * (0.75 + 0.5 * ThreadLocalRandom.current().nextDouble()));
        long asked = failure.retryAfter().map(Duration::toMillis).orElse(0L);
        return Duration.ofMillis(Math.max(jittered, asked));
    }
}
