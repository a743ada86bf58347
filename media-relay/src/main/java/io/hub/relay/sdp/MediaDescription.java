package io.hub.relay.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One {@code m=} section: its media line and the lines under it, in order. */
public final class MediaDescription {

    private final String type;
    private int port;
    private final String portCount;
    private String protocol;
    private final String formats;
    private final List<String> lines = new ArrayList<>();

    private MediaDescription(String type, int port, String portCount, String protocol, String formats) {
        this.type = type;
        this.port = port;
        this.portCount = portCount;
        this.protocol = protocol;
        this.formats = formats;
    }

    static MediaDescription parse(String line) throws SdpException {
        String[] parts = line.substring(2).split(" ", 4);
        if (parts.length < 4) {
            throw new SdpException("'" + line + "' is not m=<media> <port> <proto> <formats>");
        }
        String[] port = parts[1].split("/", 2);
        try {
            int number = Integer.parseInt(port[0]);
            if (number < 0 || number > 65535) {
                throw new NumberFormatException();
            }
            return new MediaDescription(parts[0], number, port.length > 1 ? port[1] : null, parts[2], parts[3]);
        } catch (NumberFormatException e) {
            throw new SdpException("'" + line + "' has no valid port");
        }
    }

    public String type() {
        return type;
    }

    public int port() {
        return port;
    }

    public String protocol() {
        return protocol;
    }

    public String formats() {
        return formats;
    }

    /** True for an SRTP profile with SDES or DTLS keying ({@code RTP/SAVP}, {@code RTP/SAVPF}). */
    public boolean isSecure() {
        return protocol.equals("RTP/SAVP") || protocol.equals("RTP/SAVPF");
    }

    public boolean isRejected() {
        return port == 0;
    }

    /** The value of the first {@code a=<name>:…} or {@code a=<name>} line, if any. */
    public Optional<String> attribute(String name) {
        return attributes(name).stream().findFirst();
    }

    /** The values of every {@code a=<name>:…} line (empty strings for flags). */
    public List<String> attributes(String name) {
        List<String> values = new ArrayList<>();
        for (String line : lines) {
            if (line.equals("a=" + name)) {
                values.add("");
            } else if (line.startsWith("a=" + name + ":")) {
                values.add(line.substring(name.length() + 3));
            }
        }
        return values;
    }

    /** Adds or removes a flag attribute such as {@code a=rtcp-mux}. */
    public void flag(String name, boolean present) {
        lines.removeIf(line -> line.equals("a=" + name));
        if (present) {
            lines.add("a=" + name);
        }
    }

    /**
     * The address media is sent to: the {@code c=} of this section, else the session's; null when
     * there is none or it is the "hold" address 0.0.0.0.
     */
    public String connectionAddress(SessionDescription session) {
        String line = lines.stream().filter(l -> l.startsWith("c=")).findFirst()
                .or(() -> session.sessionLine("c=")).orElse(null);
        if (line == null) {
            return null;
        }
        String[] fields = line.substring(2).split(" ");
        if (fields.length < 3) {
            return null;
        }
        String address = fields[2].replaceFirst("/.*$", "");
        return address.equals("0.0.0.0") || address.equals("::") ? null : address;
    }

    /**
     * The media direction (RFC 3264): this section's direction attribute, else the session's, else
     * sendrecv.
     */
    public String direction(SessionDescription session) {
        for (String direction : DIRECTIONS) {
            if (lines.contains("a=" + direction)) {
                return direction;
            }
        }
        for (String direction : DIRECTIONS) {
            if (session.sessionLine("a=" + direction).isPresent()) {
                return direction;
            }
        }
        return "sendrecv";
    }

    private static final List<String> DIRECTIONS = List.of("sendonly", "recvonly", "inactive", "sendrecv");

    void port(int port) {
        this.port = port;
    }

    void protocol(String protocol) {
        this.protocol = protocol;
    }

    List<String> lines() {
        return lines;
    }

    String mediaLine() {
        return "m=" + type + " " + port + (portCount == null || port == 0 ? "" : "/" + portCount) + " " + protocol
                + " " + formats;
    }
}
