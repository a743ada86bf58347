package io.hub.relay.dtls;

/**
 * Reads the plaintext DTLS records of a datagram (epoch 0, before the keys) without keeping anything: how
 * long the handshake messages they carry say they are. Bouncy Castle's reassembly allocates a message's
 * declared length when its first fragment arrives, so the relay refuses a declared length it would never
 * need before a fragment reaches the handshake.
 */
final class HandshakeRecords {

    /** A ClientHello with a post-quantum key share is under 2 KiB, a browser's certificate about 1 KiB. */
    static final int MAX_MESSAGE = 16 * 1024;

    private static final int HANDSHAKE = 22;
    private static final int RECORD_HEADER = 13;
    private static final int MESSAGE_HEADER = 12;

    private HandshakeRecords() {
    }

    /** Whether the datagram's first record is a handshake record: what a ClientHello's first fragment is. */
    static boolean startsWithHandshake(byte[] data, int offset, int length) {
        return length >= RECORD_HEADER + MESSAGE_HEADER && (data[offset] & 0xff) == HANDSHAKE;
    }

    /**
     * Whether every plaintext handshake fragment in the datagram declares a message of at most
     * {@link #MAX_MESSAGE} bytes. Encrypted records (a later epoch) and other content types are not
     * looked into; a record that runs past the datagram ends the walk (Bouncy Castle drops it).
     */
    static boolean withinBounds(byte[] data, int offset, int length) {
        int at = offset;
        int end = offset + length;
        while (end - at >= RECORD_HEADER) {
            int type = data[at] & 0xff;
            int epoch = ((data[at + 3] & 0xff) << 8) | (data[at + 4] & 0xff);
            int recordLength = ((data[at + 11] & 0xff) << 8) | (data[at + 12] & 0xff);
            int body = at + RECORD_HEADER;
            if (recordLength > end - body) {
                return true;
            }
            if (type == HANDSHAKE && epoch == 0 && recordLength >= MESSAGE_HEADER) {
                int declared = ((data[body + 1] & 0xff) << 16) | ((data[body + 2] & 0xff) << 8) | (data[body + 3] & 0xff);
                if (declared > MAX_MESSAGE) {
                    return false;
                }
            }
            at = body + recordLength;
        }
        return true;
    }
}
