package io.hub.relay.sdp;

/** An SDP body the hub cannot use; the message says what is wrong, for a Warning header. */
public class SdpException extends Exception {

    public SdpException(String message) {
        super(message);
    }
}
