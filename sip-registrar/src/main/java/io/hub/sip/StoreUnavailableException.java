package io.hub.sip;

/**
 * The database behind SIP (the accounts it looks up, the bindings it writes) did not answer: the
 * request is refused 503 with Retry-After, and what the registrar already holds (the phone's
 * binding and flow) stays as it was.
 */
public final class StoreUnavailableException extends IllegalStateException {

    /** Seconds a phone is asked to wait (Retry-After) before it tries again. */
    public static final int RETRY_SECONDS = 5;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
