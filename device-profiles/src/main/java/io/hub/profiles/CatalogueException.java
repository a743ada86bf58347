package io.hub.profiles;

/** A family file or template that cannot be used; the message names the file and the fault. */
public final class CatalogueException extends RuntimeException {

    public CatalogueException(String message) {
        super(message);
    }
}
