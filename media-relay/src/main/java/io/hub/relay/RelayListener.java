package io.hub.relay;

/**
 * What the relay tells the call side. Called on the relay's I/O thread or on the thread calling
 * {@link MediaRelay#expire}, so an implementation hands the work off and returns at once; it may call
 * {@link MediaRelay#release} directly.
 */
@FunctionalInterface
public interface RelayListener {

    /** Reported once per session. */
    void deadStream(DeadStream event);
}
