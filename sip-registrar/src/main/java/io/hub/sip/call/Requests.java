package io.hub.sip.call;

import io.hub.sip.transport.Flow;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Requests the hub writes as a user agent in a call's dialogs, as text, checked by
 * {@link io.hub.sip.SipText} before they leave.
 */
final class Requests {

    private Requests() {
    }

    /** A message's body as text, or null when it has none. */
    static String body(gov.nist.javax.sip.message.SIPMessage message) {
        byte[] raw = message.getRawContent();
        return raw == null || raw.length == 0 ? null : new String(raw, StandardCharsets.UTF_8);
    }

    static String branch() {
        return "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * A request in {@code dialog} down {@code flow}.
     *
     * @param toTag the phone's tag, or null for the INVITE that starts the dialog and its CANCEL
     * @param headers extra header lines, without line ends
     * @param body null for none; with {@code contentType}
     */
    static String build(String method, String requestUri, Dialog dialog, Flow flow, long cseq, String branch,
            String toTag, List<String> headers, String contentType, String body) {
        StringBuilder text = new StringBuilder(512)
                .append(method).append(' ').append(requestUri).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/").append(flow.transport()).append(' ').append(hostPort(flow.local()))
                .append(";branch=").append(branch).append(";rport\r\n")
                .append(headers.stream().filter(h -> h.startsWith("Max-Forwards:")).findFirst()
                        .orElse("Max-Forwards: 70")).append("\r\n")
                .append("From: ").append(dialog.localUri).append(";tag=").append(dialog.localTag).append("\r\n")
                .append("To: ").append(dialog.remoteUri).append(toTag == null ? "" : ";tag=" + toTag).append("\r\n")
                .append("Call-ID: ").append(dialog.callId).append("\r\n")
                .append("CSeq: ").append(cseq).append(' ').append(method).append("\r\n");
        for (String header : headers) {
            if (!header.startsWith("Max-Forwards:")) {
                text.append(header).append("\r\n");
            }
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            text.append("Content-Type: ").append(contentType).append("\r\n");
        }
        text.append("Content-Length: ").append(content.length).append("\r\n\r\n");
        if (body != null) {
            text.append(body);
        }
        String request = text.toString();
        io.hub.sip.SipText.requireRequest(request);
        return request;
    }

    /** The hub's Contact in a dialog: where the phone sends in-dialog requests (down the same flow). */
    static String contact(Flow flow) {
        return "Contact: <sip:hub@" + hostPort(flow.local()) + ";transport=" + flow.transport().toLowerCase() + ">";
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
