package io.hub.relay.browser;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ServerHello a DTLS server sent, read from the records of its flight (RFC 6347 §4.3.2, RFC 5246
 * §7.4.1.3): its version, its random and its extensions by type. Only what a test of the version the
 * hub picks needs.
 *
 * @param version the server_version, {@code FE FD} for DTLS 1.2
 * @param extensions each extension's data by type, such as 14 (use_srtp) and 43 (supported_versions)
 */
public record ServerHello(int version, byte[] random, Map<Integer, byte[]> extensions) {

    /** RFC 8446 §4.1.3: a TLS 1.3 server that falls back puts these in its random's last 8 bytes. */
    private static final byte[] DOWNGRADE_TO_12 = "DOWNGRD\u0001".getBytes(StandardCharsets.ISO_8859_1);

    /** The first ServerHello (handshake type 2) among {@code records}, or null. */
    public static ServerHello find(List<byte[]> records) {
        for (byte[] datagram : records) {
            int at = 0;
            while (at + 13 <= datagram.length) {
                int length = u16(datagram, at + 11);
                if (datagram[at] == 22 && length >= 12 + 38 && datagram[at + 13] == 2) {
                    return parse(datagram, at + 13 + 12, at + 13 + length);
                }
                at += 13 + length;
            }
        }
        return null;
    }

    /** Whether the random ends with the DTLS 1.3 server's sentinel for a fall back to 1.2. */
    public boolean signalsDowngrade() {
        return Arrays.equals(Arrays.copyOfRange(random, 24, 32), DOWNGRADE_TO_12);
    }

    /** The SRTP protection profiles the use_srtp extension names, or an empty array without one. */
    public int[] srtpProfiles() {
        byte[] data = extensions.get(14);
        if (data == null) {
            return new int[0];
        }
        int[] profiles = new int[u16(data, 0) / 2];
        for (int i = 0; i < profiles.length; i++) {
            profiles[i] = u16(data, 2 + 2 * i);
        }
        return profiles;
    }

    private static ServerHello parse(byte[] data, int at, int end) {
        int version = u16(data, at);
        byte[] random = Arrays.copyOfRange(data, at + 2, at + 34);
        at += 34;
        at += 1 + (data[at] & 0xff);
        at += 2 + 1;
        Map<Integer, byte[]> extensions = new HashMap<>();
        if (at + 2 <= end) {
            int extensionsEnd = at + 2 + u16(data, at);
            at += 2;
            while (at + 4 <= extensionsEnd) {
                int type = u16(data, at);
                int size = u16(data, at + 2);
                extensions.put(type, Arrays.copyOfRange(data, at + 4, at + 4 + size));
                at += 4 + size;
            }
        }
        return new ServerHello(version, random, extensions);
    }

    private static int u16(byte[] data, int at) {
        return (data[at] & 0xff) << 8 | (data[at + 1] & 0xff);
    }
}
