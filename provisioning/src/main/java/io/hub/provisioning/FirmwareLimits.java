package io.hub.provisioning;

/**
 * How much firmware the hub keeps.
 *
 * @param maxBytes the largest image one upload may store; more is refused 413 {@code too-large}
 * @param quotaBytes what all of one tenant's images may take together; an upload that would pass it
 *     is refused 507 {@code firmware-quota}
 */
public record FirmwareLimits(long maxBytes, long quotaBytes) {

    public static final long DEFAULT_MAX_BYTES = 512L * 1024 * 1024;
    public static final long DEFAULT_QUOTA_BYTES = 4L * 1024 * 1024 * 1024;

    public FirmwareLimits {
        if (maxBytes < 1 || quotaBytes < 1) {
            throw new IllegalArgumentException("firmware limits must be positive: " + maxBytes + ", " + quotaBytes);
        }
    }

    public static FirmwareLimits standard() {
        return new FirmwareLimits(DEFAULT_MAX_BYTES, DEFAULT_QUOTA_BYTES);
    }
}
