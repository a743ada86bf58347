package io.hub.phone.http;

/** An answer that is not HTTP, or breaks one of the emulator's limits. */
public final class HttpFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HttpFailure(String message) {
        super(message, null, false, false);
    }
}
