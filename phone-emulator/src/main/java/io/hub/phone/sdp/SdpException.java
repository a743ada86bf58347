package io.hub.phone.sdp;

/** SDP a phone cannot use; the message says why. */
public final class SdpException extends Exception {

    public SdpException(String message) {
        super(message);
    }
}
