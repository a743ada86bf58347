package io.hub.relay.sdp;

/**
 * An offer with no usable SRTP audio: the call is refused with 488 and a Warning saying SRTP is
 * mandatory (seed §3.3.4: calls are always SRTP).
 */
public final class SrtpRequired extends SdpException {

    public SrtpRequired(String message) {
        super(message);
    }

    /** The Warning header value for the 488. */
    public String warning() {
        return "399 hub \"SRTP is mandatory: " + getMessage().replace("\"", "'") + "\"";
    }
}
