package io.hub.app;

/**
 * Something the person running {@code hub} asked for that cannot be done: the message is printed as
 * one line and the command exits with status 2.
 */
public final class UserError extends RuntimeException {

    public UserError(String message) {
        super(message);
    }
}
