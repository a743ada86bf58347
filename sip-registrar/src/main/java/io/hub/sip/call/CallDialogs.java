package io.hub.sip.call;

import gov.nist.javax.sip.message.SIPRequest;
import io.hub.sip.location.Binding;
import io.hub.sip.location.LocationService;
import io.hub.sip.transport.Flow;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hub's dialogs of the calls in progress, by Call-ID (the hub gives each callee dialog a
 * Call-ID of its own), and the way to each one's phone: its flow, or after the phone reconnected,
 * the new flow its binding is on. Safe for the transport's threads and the calls' at once.
 */
final class CallDialogs {

    private final LocationService location;
    private final Map<String, Dialog> byCallId = new ConcurrentHashMap<>();

    CallDialogs(LocationService location) {
        this.location = location;
    }

    /** The dialog of a Call-ID, or null. */
    Dialog get(String callId) {
        return byCallId.get(callId);
    }

    boolean contains(String callId) {
        return byCallId.containsKey(callId);
    }

    void add(Dialog dialog) {
        byCallId.put(dialog.callId, dialog);
    }

    void remove(Dialog dialog) {
        byCallId.remove(dialog.callId, dialog);
    }

    /** An ended call's dialogs with no transaction open go now. */
    void removeIdle(Call call) {
        byCallId.values().removeIf(dialog -> dialog.call == call && dialog.pending.isEmpty());
    }

    /** The rest of an ended call's dialogs go, once a late 487 or 200 had its time to be acknowledged. */
    void removeAll(Call call) {
        byCallId.values().removeIf(dialog -> dialog.call == call);
    }

    /** A request is in a dialog when its tags are the dialog's (either way round). */
    static boolean matches(Dialog dialog, SIPRequest request) {
        return dialog.localTag.equals(request.getToTag()) && (dialog.remoteTag == null
                || dialog.remoteTag.equals(request.getFromTag()));
    }

    /** Whether {@code flow} carries the dialog's phone: registered on it as the dialog's AOR. */
    boolean registeredOn(Flow flow, Dialog dialog) {
        return location.aorsOn(flow.id()).contains(dialog.aor);
    }

    /** Only the dialog's phone may speak in it: on its flow, or on a new one it registered. */
    boolean maySpeak(Flow flow, Dialog dialog) {
        return flow == dialog.flow || registeredOn(flow, dialog);
    }

    /** The flow to reach a dialog's phone: its own, or after it reconnected, its binding's new one. */
    Flow flowFor(Dialog dialog) {
        Flow flow = dialog.flow;
        if (flow != null && flow.isOpen()) {
            return flow;
        }
        for (Binding binding : location.bindings(dialog.aor)) {
            Optional<Flow> live = location.flow(binding);
            if (live.isPresent() && dialog.remoteTarget != null
                    && binding.contact().contains(dialog.remoteTarget)) {
                dialog.flow = live.get();
                return live.get();
            }
        }
        return null;
    }
}
