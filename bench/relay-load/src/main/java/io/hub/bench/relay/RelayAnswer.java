package io.hub.bench.relay;

import io.hub.bench.relay.dtls.RelayCertificateCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * What the emulated browser needs from the relay's DTLS-SRTP answer: the audio address and port, the
 * relay's certificate fingerprint, and that it takes the DTLS server's role.
 */
record RelayAnswer(InetSocketAddress media, RelayCertificateCheck certificate) {

    /**
     * Reads the relay's SDP answer to a {@code UDP/TLS/RTP/SAVPF} offer.
     *
     * @throws IOException naming the call, when the audio is not {@code UDP/TLS/RTP/SAVPF}, has no
     *     address, no sha-256 fingerprint, or a setup other than {@code passive} (this generator's
     *     browser is DTLS client only)
     */
    static RelayAnswer read(String callId, String sdp) throws IOException {
        String address = null;
        String audioAddress = null;
        int port = -1;
        String protocol = null;
        String fingerprint = null;
        String setup = null;
        boolean inAudio = false;
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("m=")) {
                inAudio = line.startsWith("m=audio ");
                if (inAudio && port < 0) {
                    String[] parts = line.substring(2).split(" ");
                    port = parts.length > 2 ? Integer.parseInt(parts[1]) : -1;
                    protocol = parts.length > 2 ? parts[2] : null;
                }
            } else if (line.startsWith("c=IN IP4 ")) {
                if (inAudio) {
                    audioAddress = line.substring(9).strip();
                } else {
                    address = line.substring(9).strip();
                }
            } else if (line.startsWith("a=fingerprint:") && fingerprint == null) {
                fingerprint = line.substring("a=fingerprint:".length());
            } else if (line.startsWith("a=setup:") && (setup == null || inAudio)) {
                setup = line.substring("a=setup:".length()).strip().toLowerCase(Locale.ROOT);
            }
        }
        String host = audioAddress != null ? audioAddress : address;
        if (port <= 0 || host == null || !DtlsCall.PROFILE.equals(protocol)) {
            throw new IOException("call " + callId + ": the relay's answer has no " + DtlsCall.PROFILE
                    + " audio with an address: " + protocol + " " + host + ":" + port);
        }
        if (fingerprint == null) {
            throw new IOException("call " + callId + ": the relay's answer has no a=fingerprint");
        }
        if (!"passive".equals(setup)) {
            throw new IOException("call " + callId + ": the relay's answer takes a=setup:" + setup
                    + "; this generator's browser is DTLS client only (rtpengine needs --dtls-passive)");
        }
        try {
            return new RelayAnswer(new InetSocketAddress(InetAddress.getByName(host), port),
                    RelayCertificateCheck.parse(fingerprint));
        } catch (IllegalArgumentException e) {
            throw new IOException("call " + callId + ": " + e.getMessage());
        }
    }
}
