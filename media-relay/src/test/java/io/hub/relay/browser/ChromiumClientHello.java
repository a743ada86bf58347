package io.hub.relay.browser;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The bytes of the first flight of a Chromium whose DTLS stack (BoringSSL) speaks DTLS 1.3, written
 * field by field from RFC 6347, RFC 8446 and RFC 9147 so a test can show what the hub does with a
 * DTLS 1.3 offer that no Bouncy Castle client can make (its clients speak DTLS 1.2 at most).
 *
 * <p>The layout: a DTLS record header (content type 22, record version {@code FE FD}, epoch 0, a
 * 48-bit sequence number, length); a handshake header (type 1 client_hello, 24-bit length,
 * message_seq, fragment_offset 0, fragment_length equal to the length); the body: legacy_version
 * {@code FE FD}, 32 random bytes, an empty legacy_session_id, the cookie (empty in the first flight,
 * the HelloVerifyRequest's in the second), the cipher suites (TLS 1.3's AES-GCM and ChaCha20 suites,
 * then the ECDHE ones of DTLS 1.2), compression {@code null} only, and the extensions
 * extended_master_secret, renegotiation_info, supported_groups (x25519, P-256, P-384),
 * ec_point_formats, signature_algorithms, use_srtp (AEAD_AES_128_GCM, AEAD_AES_256_GCM,
 * SRTP_AES128_CM_HMAC_SHA1_80, no MKI), key_share (an x25519 share), psk_key_exchange_modes
 * (psk_dhe_ke) and supported_versions, which lists DTLS 1.3 ({@code FE FC}) and, unless left out,
 * DTLS 1.2 ({@code FE FD}).
 */
public final class ChromiumClientHello {

    public static final int DTLS_1_2 = 0xFEFD;
    public static final int DTLS_1_3 = 0xFEFC;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int[] CIPHER_SUITES = {
        0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC009, 0xC013, 0xC00A, 0xC014};

    private final int[] versions;
    private final byte[] random = new byte[32];
    private final byte[] share = new byte[32];

    /** @param versions the supported_versions list, most preferred first */
    public ChromiumClientHello(int... versions) {
        this.versions = versions.clone();
        RANDOM.nextBytes(random);
        RANDOM.nextBytes(share);
    }

    /** The ClientHello record, {@code cookie} empty in the first flight, its record and message sequence numbers. */
    public byte[] record(byte[] cookie, int sequence) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, DTLS_1_2);
        body.writeBytes(random);
        body.write(0);
        body.write(cookie.length);
        body.writeBytes(cookie);
        u16(body, CIPHER_SUITES.length * 2);
        for (int suite : CIPHER_SUITES) {
            u16(body, suite);
        }
        body.write(1);
        body.write(0);
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        extension(extensions, 0x0017, new byte[0]);
        extension(extensions, 0xFF01, new byte[] {0});
        extension(extensions, 0x000A, list16(0x001D, 0x0017, 0x0018));
        extension(extensions, 0x000B, new byte[] {1, 0});
        extension(extensions, 0x000D, list16(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601));
        byte[] profiles = list16(0x0007, 0x0008, 0x0001);
        extension(extensions, 0x000E, concat(profiles, new byte[] {0}));
        ByteArrayOutputStream keyShare = new ByteArrayOutputStream();
        u16(keyShare, 4 + share.length);
        u16(keyShare, 0x001D);
        u16(keyShare, share.length);
        keyShare.writeBytes(share);
        extension(extensions, 0x0033, keyShare.toByteArray());
        extension(extensions, 0x002D, new byte[] {1, 1});
        ByteArrayOutputStream supported = new ByteArrayOutputStream();
        supported.write(versions.length * 2);
        for (int version : versions) {
            u16(supported, version);
        }
        extension(extensions, 0x002B, supported.toByteArray());
        u16(body, extensions.size());
        body.writeBytes(extensions.toByteArray());

        byte[] message = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(22);
        u16(record, DTLS_1_2);
        u16(record, 0);
        record.write(0);
        record.write(0);
        u32(record, sequence);
        u16(record, 12 + message.length);
        record.write(1);
        u24(record, message.length);
        u16(record, sequence);
        u24(record, 0);
        u24(record, message.length);
        record.writeBytes(message);
        return record.toByteArray();
    }

    private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
        u16(out, type);
        u16(out, data.length);
        out.writeBytes(data);
    }

    private static byte[] list16(int... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, values.length * 2);
        for (int value : values) {
            u16(out, value);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    private static void u24(ByteArrayOutputStream out, int value) {
        out.write(value >>> 16);
        u16(out, value);
    }

    private static void u32(ByteArrayOutputStream out, int value) {
        u16(out, value >>> 16);
        u16(out, value);
    }
}
