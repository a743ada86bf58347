package io.hub.sip.call;

import java.time.Instant;
import java.util.Map;

/**
 * One call as recorded: who called whom, when, how it ended, and what the media did.
 *
 * @param id the hub's name for the call
 * @param caller the caller's AOR
 * @param callee the callee's AOR, or what was dialled when it matched none
 * @param answeredAt null when the call was never answered
 * @param endedAt null while the call is active
 * @param cause null while the call is active
 * @param status the final SIP status of the INVITE (200 when answered), 0 while ringing
 * @param media per leg ({@code caller}, {@code callee}): packets, bytes, lost, jitterMs, dropped,
 *     authFailures, latched, qualityBreached; empty before media was allocated
 */
public record CallRecord(String id, String caller, String callee, Instant startedAt, Instant answeredAt,
        Instant endedAt, EndCause cause, int status, Map<String, Map<String, Object>> media) {

    public boolean active() {
        return endedAt == null;
    }
}
