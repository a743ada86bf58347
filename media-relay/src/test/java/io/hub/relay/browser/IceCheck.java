package io.hub.relay.browser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A browser's ICE connectivity check, written from RFC 5389 and RFC 8445 alone (not with the hub's STUN
 * code): a Binding request with USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY
 * keyed with the answerer's ice-pwd, and FINGERPRINT; and the check of the hub's success response.
 */
public final class IceCheck {

    static final int MAGIC_COOKIE = 0x2112A442;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS = 0x0101;
    private static final int USERNAME = 0x0006;
    private static final int MESSAGE_INTEGRITY = 0x0008;
    private static final int PRIORITY = 0x0024;
    private static final int USE_CANDIDATE = 0x0025;
    private static final int ICE_CONTROLLING = 0x802A;
    private static final int FINGERPRINT = 0x8028;
    private static final int FINGERPRINT_XOR = 0x5354554e;
    private static final SecureRandom RANDOM = new SecureRandom();

    private IceCheck() {
    }

    /** A fresh transaction ID. */
    public static byte[] transactionId() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return id;
    }

    /**
     * A Binding request from the controlling browser.
     *
     * @param username "answerer-ufrag:offerer-ufrag" (RFC 8445 §7.2.2)
     * @param password the answerer's ice-pwd, the MESSAGE-INTEGRITY key
     */
    public static byte[] request(byte[] transactionId, String username, String password) {
        ByteBuffer attributes = ByteBuffer.allocate(512);
        attribute(attributes, USERNAME, username.getBytes(StandardCharsets.UTF_8));
        attribute(attributes, PRIORITY, ByteBuffer.allocate(4).putInt(1853824767).array());
        attribute(attributes, ICE_CONTROLLING, ByteBuffer.allocate(8).putLong(RANDOM.nextLong()).array());
        attribute(attributes, USE_CANDIDATE, new byte[0]);
        byte[] body = Arrays.copyOf(attributes.array(), attributes.position());
        byte[] signed = withIntegrity(BINDING_REQUEST, transactionId, body, password);
        return withFingerprint(signed);
    }

    /** The same request with its transaction ID, sent again (a replay, when from elsewhere). */
    public static byte[] copy(byte[] request) {
        return request.clone();
    }

    /**
     * Whether {@code response} is a Binding success for {@code transactionId} whose MESSAGE-INTEGRITY is
     * keyed with {@code password} (the hub signs its responses with its own ice-pwd).
     */
    public static boolean answered(byte[] response, byte[] transactionId, String password) {
        if (response.length < 20 || ((response[0] & 0xff) << 8 | (response[1] & 0xff)) != BINDING_SUCCESS
                || ByteBuffer.wrap(response, 4, 4).getInt() != MAGIC_COOKIE
                || !Arrays.equals(Arrays.copyOfRange(response, 8, 20), transactionId)) {
            return false;
        }
        int offset = 20;
        while (offset + 4 <= response.length) {
            int type = (response[offset] & 0xff) << 8 | (response[offset + 1] & 0xff);
            int length = (response[offset + 2] & 0xff) << 8 | (response[offset + 3] & 0xff);
            if (type == MESSAGE_INTEGRITY && length == 20 && offset + 24 <= response.length) {
                byte[] signed = Arrays.copyOf(response, offset);
                ByteBuffer.wrap(signed).putShort(2, (short) (offset - 20 + 24));
                byte[] expected = hmac(password, signed);
                return MessageDigest.isEqual(expected, Arrays.copyOfRange(response, offset + 4, offset + 24));
            }
            offset += 4 + (length + 3) / 4 * 4;
        }
        return false;
    }

    private static byte[] withIntegrity(int type, byte[] transactionId, byte[] attributes, String password) {
        ByteBuffer message = ByteBuffer.allocate(20 + attributes.length + 24);
        message.putShort((short) type).putShort((short) (attributes.length + 24)).putInt(MAGIC_COOKIE)
                .put(transactionId).put(attributes);
        byte[] mac = hmac(password, Arrays.copyOf(message.array(), message.position()));
        message.putShort((short) MESSAGE_INTEGRITY).putShort((short) 20).put(mac);
        return message.array();
    }

    private static byte[] withFingerprint(byte[] message) {
        ByteBuffer out = ByteBuffer.allocate(message.length + 8).put(message);
        out.putShort(2, (short) (message.length - 20 + 8));
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, message.length);
        out.putShort((short) FINGERPRINT).putShort((short) 4).putInt((int) crc.getValue() ^ FINGERPRINT_XOR);
        return out.array();
    }

    private static void attribute(ByteBuffer out, int type, byte[] value) {
        out.putShort((short) type).putShort((short) value.length).put(value);
        for (int pad = value.length; pad % 4 != 0; pad++) {
            out.put((byte) 0);
        }
    }

    private static byte[] hmac(String password, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
