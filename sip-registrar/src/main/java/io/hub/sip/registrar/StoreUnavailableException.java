package io.hub.sip.registrar;

/**
 * The database behind the registrar (the accounts it looks up, or the bindings it writes) did not
 * answer: a REGISTER is refused 503 with Retry-After, and what the registrar already holds (the
 * phone's binding and flow) stays as it was.
 */
public final class StoreUnavailableException extends IllegalStateException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
