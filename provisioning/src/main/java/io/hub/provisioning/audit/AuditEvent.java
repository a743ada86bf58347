package io.hub.provisioning.audit;

import java.time.Instant;

/**
 * One line of the append-only audit and security log.
 *
 * @param actor who acted: {@code device}, or {@code admin:<tenant>}
 * @param action what was attempted, such as {@code discovery}, {@code config}, {@code enroll}, {@code import}
 * @param outcome {@code ok} or {@code refused}
 * @param reason the refusal code when refused ({@code expired}, {@code mac-mismatch}, {@code not-enrolled} …)
 * @param tenant the tenant the event concerns, or null when none (only the operator reads those)
 * @param count how many events the row stands for: 1, or more for an aggregate (the refusals of one
 *     source and reason within the minute starting at {@code at})
 */
public record AuditEvent(long id, Instant at, String actor, String sourceIp, String action, String outcome,
        String reason, String mac, String fingerprint, String detail, String tenant, int count) {

    public static final String OK = "ok";
    public static final String REFUSED = "refused";
}
