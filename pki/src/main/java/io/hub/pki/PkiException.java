package io.hub.pki;

/**
 * A PKI operation that cannot be done as asked: a missing or unreadable file, a key that already
 * exists, an input that is not what it claims to be. The message is one line, fit to show a person.
 */
public class PkiException extends RuntimeException {

    public PkiException(String message) {
        super(message);
    }
}
