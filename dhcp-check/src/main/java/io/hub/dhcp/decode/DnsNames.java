package io.hub.dhcp.decode;

import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import java.util.function.Consumer;

/** DNS names in wire form (RFC 1035 §3.1), as option 120 carries them. */
final class DnsNames {

    private DnsNames() {
    }

    /**
     * Reads consecutive names, handing each to {@code sink}.
     *
     * @return why reading stopped early, or empty when every byte was a name
     */
    static String read(byte[] bytes, Consumer<String> sink) {
        int at = 0;
        StringJoiner name = new StringJoiner(".");
        int labels = 0;
        while (at < bytes.length) {
            int length = bytes[at] & 0xff;
            if (length == 0) {
                if (labels == 0) {
                    return "an empty name at byte " + at;
                }
                sink.accept(name.toString());
                name = new StringJoiner(".");
                labels = 0;
                at++;
                continue;
            }
            if (length > 63) {
                return "a compressed or invalid label at byte " + at + " (not decoded)";
            }
            if (at + 1 + length > bytes.length) {
                return "a label claims " + length + " bytes but only " + (bytes.length - at - 1) + " are left";
            }
            name.add(new String(bytes, at + 1, length, StandardCharsets.US_ASCII));
            labels++;
            at += 1 + length;
        }
        return labels == 0 ? "" : "the last name is not terminated";
    }
}
