package io.hub.relay.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An SDP body (RFC 8866) kept line by line, so whatever the hub does not touch reaches the other
 * phone exactly as it was written: codecs, fmtp, telephone-event, unknown attributes. The session
 * part is the lines before the first {@code m=}; each media part starts with its {@code m=}.
 */
public final class SessionDescription {

    private final List<String> session;
    private final List<MediaDescription> media;

    private SessionDescription(List<String> session, List<MediaDescription> media) {
        this.session = session;
        this.media = media;
    }

    /**
     * Parses an SDP body; line ends may be CRLF or LF.
     *
     * @throws SdpException when it is not SDP (no v=0 first, a line that is not {@code x=value} or
     *     holds a CR or NUL, an m= line that does not parse)
     */
    public static SessionDescription parse(String text) throws SdpException {
        if (text == null || text.isBlank()) {
            throw new SdpException("the body is empty");
        }
        List<String> session = new ArrayList<>();
        List<MediaDescription> media = new ArrayList<>();
        MediaDescription current = null;
        String[] lines = text.split("\r?\n");
        if (!lines[0].equals("v=0")) {
            throw new SdpException("an SDP body starts with v=0, not '" + lines[0] + "'");
        }
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            // RFC 4566 text excludes NUL, CR and LF: a lone CR would be a line end to a lenient far end,
            // smuggling a c= or m= line past the rewrite that puts the relay in the path.
            if (line.indexOf('\r') >= 0 || line.indexOf('\0') >= 0) {
                throw new SdpException("an SDP line holds a CR or NUL inside it: '" + line.replace("\r", "\\r")
                        .replace("\0", "\\0") + "'");
            }
            if (line.length() < 2 || line.charAt(1) != '=' || !Character.isLowerCase(line.charAt(0))) {
                throw new SdpException("'" + line + "' is not an SDP line (x=value)");
            }
            if (line.startsWith("m=")) {
                current = MediaDescription.parse(line);
                media.add(current);
            } else if (current == null) {
                session.add(line);
            } else {
                current.lines().add(line);
            }
        }
        return new SessionDescription(session, media);
    }

    public List<MediaDescription> media() {
        return media;
    }

    /** The session-level line starting with {@code prefix} (such as {@code c=}), if any. */
    public Optional<String> sessionLine(String prefix) {
        return session.stream().filter(line -> line.startsWith(prefix)).findFirst();
    }

    List<String> sessionLines() {
        return session;
    }

    /** The SDP text, CRLF line ends, as sent in a SIP body. */
    public String encode() {
        StringBuilder out = new StringBuilder();
        session.forEach(line -> out.append(line).append("\r\n"));
        for (MediaDescription description : media) {
            out.append(description.mediaLine()).append("\r\n");
            description.lines().forEach(line -> out.append(line).append("\r\n"));
        }
        return out.toString();
    }
}
