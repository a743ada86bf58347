package io.hub.relay.stun;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Writes one STUN message: header, attributes in the order added, then optionally MESSAGE-INTEGRITY
 * and FINGERPRINT, which {@link #build} appends last, in that order, as RFC 5389 §15.4-15.5 require.
 */
public final class StunMessageBuilder {

    private final int type;
    private final byte[] transactionId;
    private final ByteArrayOutputStream attributes = new ByteArrayOutputStream();

    /**
     * @throws IllegalArgumentException if the transaction ID is not 12 bytes
     */
    public StunMessageBuilder(int type, byte[] transactionId) {
        if (transactionId.length != 12) {
            throw new IllegalArgumentException("a STUN transaction ID is 12 bytes, not " + transactionId.length);
        }
        this.type = type;
        this.transactionId = transactionId.clone();
    }

    /** Adds an attribute, padding its value to a multiple of four bytes with zeros. */
    public StunMessageBuilder attribute(int attributeType, byte[] value) {
        if (value.length > 0xffff) {
            throw new IllegalArgumentException("a STUN attribute value is at most 65535 bytes");
        }
        attributes.write(attributeType >>> 8);
        attributes.write(attributeType);
        attributes.write(value.length >>> 8);
        attributes.write(value.length);
        attributes.writeBytes(value);
        for (int i = value.length; i % 4 != 0; i++) {
            attributes.write(0);
        }
        return this;
    }

    public StunMessageBuilder username(String username) {
        return attribute(StunMessage.USERNAME, username.getBytes(StandardCharsets.UTF_8));
    }

    /** XOR-MAPPED-ADDRESS (RFC 5389 §15.2): the port XOR the cookie's top half, the address XOR cookie and ID. */
    public StunMessageBuilder xorMappedAddress(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        byte[] value = new byte[4 + ip.length];
        value[1] = (byte) (address.getAddress() instanceof Inet4Address ? 0x01 : 0x02);
        int port = address.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16);
        value[2] = (byte) (port >>> 8);
        value[3] = (byte) port;
        byte[] mask = mask();
        for (int i = 0; i < ip.length; i++) {
            value[4 + i] = (byte) (ip[i] ^ mask[i]);
        }
        return attribute(StunMessage.XOR_MAPPED_ADDRESS, value);
    }

    /**
     * The message, with MESSAGE-INTEGRITY under {@code integrityKey} if it is not null, and FINGERPRINT
     * if asked.
     */
    public byte[] build(byte[] integrityKey, boolean fingerprint) {
        byte[] body = attributes.toByteArray();
        int total = StunMessage.HEADER_LENGTH + body.length + (integrityKey == null ? 0 : 24) + (fingerprint ? 8 : 0);
        byte[] b = new byte[total];
        b[0] = (byte) (type >>> 8);
        b[1] = (byte) type;
        putInt(b, 4, StunMessage.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, b, 8, 12);
        System.arraycopy(body, 0, b, StunMessage.HEADER_LENGTH, body.length);
        int at = StunMessage.HEADER_LENGTH + body.length;
        if (integrityKey != null) {
            byte[] mac = StunMessage.integrity(b, at, at + 24 - StunMessage.HEADER_LENGTH, integrityKey);
            b[at] = 0;
            b[at + 1] = (byte) StunMessage.MESSAGE_INTEGRITY;
            b[at + 3] = (byte) StunMessage.INTEGRITY_LENGTH;
            System.arraycopy(mac, 0, b, at + 4, StunMessage.INTEGRITY_LENGTH);
            at += 24;
        }
        if (fingerprint) {
            int crc = StunMessage.fingerprint(b, at, total - StunMessage.HEADER_LENGTH);
            b[at] = (byte) (StunMessage.FINGERPRINT >>> 8);
            b[at + 1] = (byte) StunMessage.FINGERPRINT;
            b[at + 3] = 4;
            putInt(b, at + 4, crc);
            at += 8;
        }
        int length = total - StunMessage.HEADER_LENGTH;
        b[2] = (byte) (length >>> 8);
        b[3] = (byte) length;
        return b;
    }

    private byte[] mask() {
        byte[] mask = new byte[16];
        putInt(mask, 0, StunMessage.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, mask, 4, 12);
        return mask;
    }

    private static void putInt(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }
}
