package io.hub.app.storage;

/** The database server of {@code databaseUrl} did not answer, or refused the hub's login, at start. */
public final class DatabaseUnreachableException extends RuntimeException {

    public DatabaseUnreachableException(String message) {
        super(message);
    }
}
