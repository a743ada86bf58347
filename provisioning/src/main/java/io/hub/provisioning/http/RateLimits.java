package io.hub.provisioning.http;

import io.hub.provisioning.Refusal;
import io.hub.provisioning.ProvisioningException;
import java.time.Duration;
import java.util.Optional;

/** A {@link RateLimiter} that refuses {@link Refusal#RATE_LIMITED}, with the time to wait. */
public final class RateLimits {

    private RateLimits() {
    }

    /** Takes a token for {@code key}, or refuses when none is left. */
    public static void acquire(RateLimiter limiter, String key) {
        refuseIfWaiting(limiter.acquire(key));
    }

    /** Refuses when no token is left for {@code key}, without taking one. */
    public static void peek(RateLimiter limiter, String key) {
        refuseIfWaiting(limiter.peek(key));
    }

    private static void refuseIfWaiting(Optional<Duration> wait) {
        if (wait.isPresent()) {
            String message = "too many requests; retry after " + Math.max(1, wait.get().toSeconds()) + " s";
            throw new ProvisioningException(Refusal.RATE_LIMITED, message, message, wait.get());
        }
    }
}
