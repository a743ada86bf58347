package io.hub.relay;

/** The two legs of a relayed call: A is the caller's phone, B the callee's. */
public enum Side {
    A, B;

    public Side other() {
        return this == A ? B : A;
    }
}
