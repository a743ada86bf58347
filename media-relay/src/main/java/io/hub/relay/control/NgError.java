package io.hub.relay.control;

/**
 * A command the relay refuses: answered {@code {"result": "error", "error-reason": message}}, as
 * rtpengine does, and logged as one line. Never carries a stack trace to the log.
 */
public final class NgError extends Exception {

    public NgError(String reason) {
        super(reason, null, false, false);
    }
}
