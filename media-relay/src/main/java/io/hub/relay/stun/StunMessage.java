package io.hub.relay.stun;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * One parsed STUN message (RFC 5389): its type, transaction ID and attributes, and the raw bytes it was
 * read from so MESSAGE-INTEGRITY and FINGERPRINT can be checked over exactly what was sent.
 *
 * <p>{@link #parse} checks the framing only (header, lengths, attribute bounds, MESSAGE-INTEGRITY and
 * FINGERPRINT placement); {@link #fingerprintMatches} and {@link #integrityMatches} check the two
 * checksums. Immutable.
 */
public final class StunMessage {

    public static final int HEADER_LENGTH = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;
    public static final int BINDING_INDICATION = 0x0011;

    public static final int MAPPED_ADDRESS = 0x0001;
    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    public static final int PRIORITY = 0x0024;
    public static final int USE_CANDIDATE = 0x0025;
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;
    public static final int ICE_CONTROLLED = 0x8029;
    public static final int ICE_CONTROLLING = 0x802A;

    /** RFC 5389 §15.5: the CRC-32 is XORed with "STUN" so a STUN CRC is not an application CRC. */
    static final int FINGERPRINT_XOR = 0x5354554e;
    static final int INTEGRITY_LENGTH = 20;

    /** One attribute: its type and where its value lies in {@link #bytes}. */
    public record Attribute(int type, int offset, int length) {
    }

    private final byte[] bytes;
    private final int type;
    private final List<Attribute> attributes;
    private final int integrityAt;
    private final int fingerprintAt;

    private StunMessage(byte[] bytes, int type, List<Attribute> attributes, int integrityAt, int fingerprintAt) {
        this.bytes = bytes;
        this.type = type;
        this.attributes = attributes;
        this.integrityAt = integrityAt;
        this.fingerprintAt = fingerprintAt;
    }

    /**
     * Reads one STUN message from {@code data[offset, offset+length)}; the bytes are copied.
     *
     * @throws StunException naming the first framing error: not STUN (top bits, cookie), a length that
     *     is not the datagram's, an attribute past the end, or anything but FINGERPRINT after
     *     MESSAGE-INTEGRITY, or anything after FINGERPRINT
     */
    public static StunMessage parse(byte[] data, int offset, int length) throws StunException {
        if (length < HEADER_LENGTH) {
            throw new StunException("a STUN message is at least 20 bytes, not " + length);
        }
        byte[] b = Arrays.copyOfRange(data, offset, offset + length);
        if ((b[0] & 0xc0) != 0) {
            throw new StunException("the first two bits of a STUN message are zero");
        }
        if (int32(b, 4) != MAGIC_COOKIE) {
            throw new StunException("no STUN magic cookie");
        }
        int bodyLength = u16(b, 2);
        if (bodyLength % 4 != 0 || bodyLength + HEADER_LENGTH != length) {
            throw new StunException("the STUN length " + bodyLength + " does not match the datagram's " + length
                    + " bytes");
        }
        List<Attribute> attributes = new ArrayList<>();
        int integrityAt = -1;
        int fingerprintAt = -1;
        int at = HEADER_LENGTH;
        while (at < length) {
            if (fingerprintAt >= 0) {
                throw new StunException("an attribute follows FINGERPRINT");
            }
            if (at + 4 > length) {
                throw new StunException("a truncated attribute header at byte " + at);
            }
            int attributeType = u16(b, at);
            int valueLength = u16(b, at + 2);
            int padded = (valueLength + 3) & ~3;
            if (at + 4 + padded > length) {
                throw new StunException("attribute 0x" + Integer.toHexString(attributeType) + " of " + valueLength
                        + " bytes runs past the message");
            }
            if (integrityAt >= 0 && attributeType != FINGERPRINT) {
                throw new StunException("attribute 0x" + Integer.toHexString(attributeType)
                        + " follows MESSAGE-INTEGRITY");
            }
            if (attributeType == MESSAGE_INTEGRITY) {
                if (valueLength != INTEGRITY_LENGTH) {
                    throw new StunException("MESSAGE-INTEGRITY is 20 bytes, not " + valueLength);
                }
                integrityAt = at;
            } else if (attributeType == FINGERPRINT) {
                if (valueLength != 4) {
                    throw new StunException("FINGERPRINT is 4 bytes, not " + valueLength);
                }
                fingerprintAt = at;
            }
            attributes.add(new Attribute(attributeType, at + 4, valueLength));
            at += 4 + padded;
        }
        return new StunMessage(b, u16(b, 0), List.copyOf(attributes), integrityAt, fingerprintAt);
    }

    /** The message type: method and class bits together, such as {@link #BINDING_REQUEST}. */
    public int type() {
        return type;
    }

    public byte[] transactionId() {
        return Arrays.copyOfRange(bytes, 8, HEADER_LENGTH);
    }

    public List<Attribute> attributes() {
        return attributes;
    }

    public boolean has(int attributeType) {
        return attributes.stream().anyMatch(a -> a.type() == attributeType);
    }

    /** The value of the first attribute of that type, or null. */
    public byte[] value(int attributeType) {
        for (Attribute attribute : attributes) {
            if (attribute.type() == attributeType) {
                return Arrays.copyOfRange(bytes, attribute.offset(), attribute.offset() + attribute.length());
            }
        }
        return null;
    }

    /** USERNAME as UTF-8 text, or null. */
    public String username() {
        byte[] value = value(USERNAME);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /**
     * The XOR-MAPPED-ADDRESS, decoded, or null when there is none or it is not an IPv4 or IPv6 address.
     */
    public java.net.InetSocketAddress xorMappedAddress() {
        byte[] value = value(XOR_MAPPED_ADDRESS);
        if (value == null || value.length < 8) {
            return null;
        }
        int ipLength = value[1] == 0x01 ? 4 : value[1] == 0x02 ? 16 : -1;
        if (ipLength < 0 || value.length != 4 + ipLength) {
            return null;
        }
        byte[] mask = new byte[16];
        System.arraycopy(bytes, 4, mask, 0, 16);
        byte[] ip = new byte[ipLength];
        for (int i = 0; i < ipLength; i++) {
            ip[i] = (byte) (value[4 + i] ^ mask[i]);
        }
        int port = u16(value, 2) ^ (MAGIC_COOKIE >>> 16);
        try {
            return new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(ip), port);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    public boolean hasIntegrity() {
        return integrityAt >= 0;
    }

    public boolean hasFingerprint() {
        return fingerprintAt >= 0;
    }

    /** Whether FINGERPRINT is present and is the CRC-32 of everything before it, XOR 0x5354554e. */
    public boolean fingerprintMatches() {
        if (fingerprintAt < 0) {
            return false;
        }
        // The length field as it stood when the sender computed the CRC: the whole message, FINGERPRINT included.
        return fingerprint(bytes, fingerprintAt, bytes.length - HEADER_LENGTH) == int32(bytes, fingerprintAt + 4);
    }

    /**
     * Whether MESSAGE-INTEGRITY is present and is the HMAC-SHA1 under {@code key} of the message up to it,
     * with the length field counting up to its end (RFC 5389 §15.4). Compared in constant time.
     */
    public boolean integrityMatches(byte[] key) {
        if (integrityAt < 0) {
            return false;
        }
        byte[] expected = integrity(bytes, integrityAt, integrityAt + 4 + INTEGRITY_LENGTH - HEADER_LENGTH, key);
        return java.security.MessageDigest.isEqual(expected,
                Arrays.copyOfRange(bytes, integrityAt + 4, integrityAt + 4 + INTEGRITY_LENGTH));
    }

    /** The CRC-32 of {@code b[0, end)} XOR 0x5354554e, with the header's length field taken as {@code lengthField}. */
    static int fingerprint(byte[] b, int end, int lengthField) {
        CRC32 crc = new CRC32();
        crc.update(b, 0, 2);
        crc.update(new byte[] {(byte) (lengthField >>> 8), (byte) lengthField});
        crc.update(b, 4, end - 4);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    /** HMAC-SHA1 of {@code b[0, end)} under {@code key}, with the header's length field taken as {@code lengthField}. */
    static byte[] integrity(byte[] b, int end, int lengthField, byte[] key) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA1"));
            mac.update(b, 0, 2);
            mac.update(new byte[] {(byte) (lengthField >>> 8), (byte) lengthField});
            mac.update(b, 4, end - 4);
            return mac.doFinal();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static int int32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
