package io.hub.sip.call;

import io.hub.relay.Side;
import io.hub.sip.transport.Flow;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import gov.nist.javax.sip.message.SIPResponse;

/**
 * The hub's half of one SIP dialog of a call: with the caller (side A, the hub answering) or with
 * one callee phone (side B, the hub calling). It knows what the hub needs to send in-dialog
 * requests down the phone's flow and to match what comes back. Guarded by its call's lock, but for
 * {@link #flow}, which the transport may swap when the phone reconnects.
 */
final class Dialog {

    final Call call;
    final Side side;
    final String callId;
    /** The phone's AOR. */
    final String aor;
    /** The hub's identity in this dialog: what it writes in From of its requests, without tag. */
    final String localUri;
    final String localTag;
    /** The phone's identity: what the hub writes in To of its requests, without tag. */
    final String remoteUri;
    String remoteTag;
    /** Where in-dialog requests go: the phone's Contact URI. */
    String remoteTarget;
    long localCseq;
    long remoteCseq;
    volatile Flow flow;
    /** Client transactions the hub has open in this dialog, by Via branch. */
    final Map<String, Consumer<SIPResponse>> pending = new ConcurrentHashMap<>();

    Dialog(Call call, Side side, String callId, String aor, String localUri, String localTag, String remoteUri,
            String remoteTag, String remoteTarget, Flow flow) {
        this.call = call;
        this.side = side;
        this.callId = callId;
        this.aor = aor;
        this.localUri = localUri;
        this.localTag = localTag;
        this.remoteUri = remoteUri;
        this.remoteTag = remoteTag;
        this.remoteTarget = remoteTarget;
        this.flow = flow;
    }

    @Override
    public String toString() {
        return side + " " + aor;
    }
}
