package io.hub.relay.browser;

import java.net.InetSocketAddress;
import java.util.HexFormat;

/**
 * The hub's SDP, an answer or an offer, as a browser reads it for its one audio medium: where the media goes, the
 * hub's ICE-lite credentials, its fingerprint, and what a WebRTC stack insists on (RFC 8829, 8842):
 * {@code UDP/TLS/RTP/SAVPF}, a setup that leaves the browser the DTLS client when it offered actpass,
 * rtcp-mux, and the offer's mid in a BUNDLE group.
 */
public record HubAnswer(InetSocketAddress media, String protocol, String iceUfrag, String icePassword,
                        byte[] fingerprint, String setup, String mid, boolean bundled, boolean iceLite,
                        boolean rtcpMux, String candidate) {

    /** @throws IllegalArgumentException naming what a browser would refuse the answer for */
    public static HubAnswer parse(String sdp) {
        String address = null;
        int port = -1;
        String protocol = null;
        String ufrag = null;
        String pwd = null;
        byte[] fingerprint = null;
        String setup = null;
        String mid = null;
        String candidate = null;
        boolean bundled = false;
        boolean lite = false;
        boolean mux = false;
        for (String line : sdp.split("\r\n")) {
            if (line.startsWith("c=IN IP4 ")) {
                address = line.substring(9).strip();
            } else if (line.startsWith("m=audio ")) {
                String[] fields = line.substring(8).split(" ");
                port = Integer.parseInt(fields[0]);
                protocol = fields[1];
            } else if (line.startsWith("a=ice-ufrag:")) {
                ufrag = line.substring(12).strip();
            } else if (line.startsWith("a=ice-pwd:")) {
                pwd = line.substring(10).strip();
            } else if (line.startsWith("a=fingerprint:")) {
                String[] value = line.substring(14).strip().split(" ");
                if (!value[0].equalsIgnoreCase("sha-256")) {
                    throw new IllegalArgumentException("the hub's fingerprint is " + value[0] + ", not sha-256");
                }
                fingerprint = HexFormat.of().parseHex(value[1].replace(":", ""));
            } else if (line.startsWith("a=setup:")) {
                setup = line.substring(8).strip();
            } else if (line.startsWith("a=mid:")) {
                mid = line.substring(6).strip();
            } else if (line.startsWith("a=group:BUNDLE")) {
                bundled = true;
            } else if (line.equals("a=ice-lite")) {
                lite = true;
            } else if (line.equals("a=rtcp-mux")) {
                mux = true;
            } else if (line.startsWith("a=candidate:")) {
                candidate = line.substring(12);
            }
        }
        if (address == null || port <= 0) {
            throw new IllegalArgumentException("no audio address in the answer");
        }
        if (!"UDP/TLS/RTP/SAVPF".equals(protocol)) {
            throw new IllegalArgumentException("the hub's audio is " + protocol + ", not UDP/TLS/RTP/SAVPF");
        }
        if (fingerprint == null || ufrag == null || pwd == null) {
            throw new IllegalArgumentException("the answer has no fingerprint or ICE credentials");
        }
        if (!"passive".equals(setup) && !"actpass".equals(setup)) {
            throw new IllegalArgumentException("the hub's a=setup is " + setup + "; this browser is DTLS client only");
        }
        return new HubAnswer(new InetSocketAddress(address, port), protocol, ufrag, pwd, fingerprint, setup, mid,
                bundled, lite, mux, candidate);
    }
}
