package io.hub.app.storage;

/**
 * The database file exists but cannot be used: corrupt, empty, or written by a newer H2. The hub
 * refuses to start rather than touch the file or start on an empty database in its place; the
 * message is one line naming the file and what to do.
 */
public final class DatabaseFileException extends RuntimeException {

    public DatabaseFileException(String message) {
        super(message);
    }
}
