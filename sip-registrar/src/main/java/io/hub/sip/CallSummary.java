package io.hub.sip;

import java.time.Instant;

/**
 * One call as the admin API lists it.
 *
 * @param answeredAt null when the call was never answered
 * @param endedAt null while the call is active
 * @param cause how it ended ({@code normal}, {@code no-answer} …), null while active
 * @param status the final SIP status of the INVITE (200 when answered), 0 while ringing
 * @param media the relay's figures per leg, ready to be written as JSON
 */
public record CallSummary(String id, String caller, String callee, Instant startedAt, Instant answeredAt,
        Instant endedAt, String cause, int status, Object media) {
}
