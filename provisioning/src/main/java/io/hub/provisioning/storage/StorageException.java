package io.hub.provisioning.storage;

import java.sql.SQLException;

/** A database failure that is not the caller's fault; the HTTP side answers it 503 {@code storage-unavailable}. */
public final class StorageException extends RuntimeException {

    public StorageException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** A stored value that cannot be read back, such as a sealed secret that does not open. */
    public StorageException(String message) {
        super(message);
    }
}
