package io.hub.phone.sdp;

import io.hub.phone.srtp.CryptoLine;
import io.hub.phone.srtp.SdesException;
import java.util.ArrayList;
import java.util.List;

/**
 * The first audio stream of an SDP body as a desk phone reads it (RFC 4566): where to send (a
 * media-level {@code c=} over the session's), the transport protocol, and the SDES
 * {@code a=crypto} lines (RFC 4568) in the order offered. Everything else is passed over.
 *
 * @param address the connection address, without TTL or count
 * @param protocol such as {@code RTP/SAVP}
 */
public record AudioStream(String address, int port, String protocol, List<CryptoLine> cryptos) {

    public AudioStream {
        cryptos = List.copyOf(cryptos);
    }

    /**
     * Reads the first {@code m=audio} stream.
     *
     * @throws SdpException when the text is not SDP, has no audio stream with a port and an address,
     *     or one of its {@code a=crypto} lines does not parse
     */
    public static AudioStream read(String sdp) throws SdpException {
        if (sdp == null || !sdp.startsWith("v=0")) {
            throw new SdpException("not SDP");
        }
        String sessionAddress = null;
        String mediaAddress = null;
        boolean inAudio = false;
        boolean seenAudio = false;
        int port = -1;
        String protocol = null;
        List<CryptoLine> cryptos = new ArrayList<>();
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("m=")) {
                inAudio = !seenAudio && line.startsWith("m=audio ");
                if (inAudio) {
                    seenAudio = true;
                    String[] fields = line.substring(2).split(" ");
                    if (fields.length < 4) {
                        throw new SdpException("bad media line: " + line);
                    }
                    port = port(fields[1], line);
                    protocol = fields[2];
                }
            } else if (line.startsWith("c=")) {
                String[] fields = line.substring(2).split(" ");
                if (fields.length == 3 && !seenAudio) {
                    sessionAddress = fields[2].split("/")[0];
                } else if (fields.length == 3 && inAudio) {
                    mediaAddress = fields[2].split("/")[0];
                }
            } else if (inAudio && line.startsWith("a=crypto:")) {
                try {
                    cryptos.add(CryptoLine.parse(line.substring("a=crypto:".length())));
                } catch (SdesException e) {
                    throw new SdpException(e.getMessage());
                }
            }
        }
        if (!seenAudio || port <= 0 || port > 65535) {
            throw new SdpException("no audio stream with a port");
        }
        String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (address == null) {
            throw new SdpException("no connection address (c=)");
        }
        return new AudioStream(address, port, protocol, cryptos);
    }

    /** Whether the stream is SRTP: {@code RTP/SAVP} or {@code RTP/SAVPF}. */
    public boolean isSrtp() {
        return "RTP/SAVP".equals(protocol) || "RTP/SAVPF".equals(protocol);
    }

    private static int port(String field, String line) throws SdpException {
        String digits = field.split("/")[0];
        if (!digits.matches("[0-9]{1,5}")) {
            throw new SdpException("bad port in " + line);
        }
        return Integer.parseInt(digits);
    }
}
