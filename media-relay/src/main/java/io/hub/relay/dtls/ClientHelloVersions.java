package io.hub.relay.dtls;

import java.util.ArrayList;
import java.util.List;

/**
 * The DTLS versions a ClientHello offers, read from its bytes before any state is kept for it: the
 * {@code supported_versions} extension when it has one (RFC 8446 §4.2.1, which DTLS 1.3 uses as TLS 1.3
 * does, RFC 9147 §5.3), else every version up to its {@code client_version} (DTLS 1.2 negotiation, RFC
 * 6347 §4.2.1). Wire values: DTLS 1.0 {@code 0xFEFF}, 1.2 {@code 0xFEFD}, 1.3 {@code 0xFEFC} (a
 * later version is a lower number).
 *
 * <p>The layout read, after the 13-byte DTLS record header and the 12-byte handshake header (type 1,
 * one fragment holding the whole message): client_version (2), random (32), session_id (1 + n),
 * cookie (1 + n), cipher_suites (2 + n), compression_methods (1 + n), extensions (2 + n), each
 * extension type (2), length (2), data.
 */
final class ClientHelloVersions {

    static final int DTLS_1_0 = 0xFEFF;
    static final int DTLS_1_2 = 0xFEFD;
    static final int DTLS_1_3 = 0xFEFC;
    private static final int SUPPORTED_VERSIONS = 43;

    private ClientHelloVersions() {
    }

    /**
     * The versions a whole, unfragmented ClientHello in one record offers, or null when the datagram is
     * something else or cannot be read (Bouncy Castle's own parsing then decides).
     */
    static List<Integer> offered(byte[] data, int offset, int length) {
        int end = offset + length;
        int at = offset;
        if (length < 13 + 12 + 2 || (data[at] & 0xff) != 22) {
            return null;
        }
        int recordLength = u16(data, at + 11);
        at += 13;
        if (at + recordLength > end || (data[at] & 0xff) != 1) {
            return null;
        }
        int messageLength = u24(data, at + 1);
        int fragmentOffset = u24(data, at + 6);
        int fragmentLength = u24(data, at + 9);
        at += 12;
        if (fragmentOffset != 0 || fragmentLength != messageLength || at + messageLength > end) {
            return null;
        }
        int bodyEnd = at + messageLength;
        int clientVersion = u16(data, at);
        at += 2 + 32;
        at = skip(data, at, 1, bodyEnd);
        at = skip(data, at, 1, bodyEnd);
        at = skip(data, at, 2, bodyEnd);
        at = skip(data, at, 1, bodyEnd);
        if (at < 0 || at + 2 > bodyEnd) {
            return at == bodyEnd ? upTo(clientVersion) : null;
        }
        int extensionsEnd = at + 2 + u16(data, at);
        at += 2;
        if (extensionsEnd > bodyEnd) {
            return null;
        }
        while (at + 4 <= extensionsEnd) {
            int type = u16(data, at);
            int size = u16(data, at + 2);
            at += 4;
            if (at + size > extensionsEnd) {
                return null;
            }
            if (type == SUPPORTED_VERSIONS) {
                List<Integer> versions = new ArrayList<>();
                int listEnd = at + 1 + (data[at] & 0xff);
                if (listEnd > at + size) {
                    return null;
                }
                for (int v = at + 1; v + 2 <= listEnd; v += 2) {
                    versions.add(u16(data, v));
                }
                return versions;
            }
            at += size;
        }
        return upTo(clientVersion);
    }

    /** Whether {@code versions} lets the hub's DTLS 1.2 be negotiated. */
    static boolean includesDtls12(List<Integer> versions) {
        return versions.contains(DTLS_1_2);
    }

    /** "DTLS 1.3" and the like, for the log; an unknown value in hex. */
    static String name(int version) {
        return switch (version) {
            case DTLS_1_0 -> "DTLS 1.0";
            case DTLS_1_2 -> "DTLS 1.2";
            case DTLS_1_3 -> "DTLS 1.3";
            default -> String.format("0x%04X", version);
        };
    }

    /** Without supported_versions a client offers every version from DTLS 1.0 up to its client_version. */
    private static List<Integer> upTo(int clientVersion) {
        List<Integer> versions = new ArrayList<>();
        for (int version : new int[] {DTLS_1_3, DTLS_1_2, DTLS_1_0}) {
            if (version >= clientVersion) {
                versions.add(version);
            }
        }
        return versions;
    }

    /** Past a vector with a {@code lengthBytes}-byte length, or -1 when it runs past {@code end}. */
    private static int skip(byte[] data, int at, int lengthBytes, int end) {
        if (at < 0 || at + lengthBytes > end) {
            return -1;
        }
        int size = lengthBytes == 1 ? data[at] & 0xff : u16(data, at);
        int next = at + lengthBytes + size;
        return next > end ? -1 : next;
    }

    private static int u16(byte[] data, int at) {
        return (data[at] & 0xff) << 8 | (data[at + 1] & 0xff);
    }

    private static int u24(byte[] data, int at) {
        return (data[at] & 0xff) << 16 | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff);
    }
}
