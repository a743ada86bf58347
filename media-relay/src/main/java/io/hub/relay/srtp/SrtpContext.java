package io.hub.relay.srtp;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * One direction of SRTP and SRTCP under one SDES key (RFC 3711): either the phone's key, to
 * {@code unprotect} what it sends, or the hub's key, to {@code protect} what the hub sends it. Use a
 * context for one direction only; the per-SSRC state (rollover counter, highest sequence number,
 * replay windows, SRTCP index) is shared by both methods of a kind.
 *
 * <p>Packets are heap {@link ByteBuffer}s worked on in place between position and limit: unprotect
 * moves the limit back over the tag, protect moves it forward, so the buffer needs that much room
 * past its limit. The AES engines and the HMAC keys are made once here (the HMAC is {@link HmacSha1},
 * since the JDK's {@code Mac} allocates on every {@code doFinal}); the keystream buffers and the SHA-1
 * digest are the thread's, shared by every context it serves. A packet costs no allocation except the
 * first one of a new SSRC.
 *
 * <p>Not thread-safe: the relay keeps one context per stream direction, used by one thread at a time.
 *
 * <p>Unprotect checks, in this order: the packet's shape, the replay window, the authentication tag
 * (compared in constant time), and only then decrypts and updates state, so a forged or replayed
 * packet changes nothing.
 */
public final class SrtpContext {

    /** More SSRCs than a phone ever sends on one m-line; bounds what a keyed attacker could make us keep. */
    static final int MAX_SSRCS = 16;
    /** The E flag of the SRTCP index word: this hub always encrypts. */
    private static final int ENCRYPTED = 0x8000_0000;
    private static final int SRTCP_INDEX_LENGTH = 4;

    private final SrtpSuite suite;
    private final AesCounterMode rtpCipher;
    private final AesCounterMode rtcpCipher;
    private final HmacSha1 rtpMac;
    private final HmacSha1 rtcpMac;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final byte[] iv = new byte[16];
    private final byte[] digest = new byte[HmacSha1.LENGTH];
    private final byte[] roc = new byte[4];
    private final Map<Integer, SsrcState> states = new HashMap<>();
    private SsrcState last;

    public SrtpContext(SdesKey key) {
        this.suite = key.suite();
        byte[] master = key.masterKey();
        byte[] salt = key.masterSalt();
        // One AES engine under the master key derives all six session keys.
        AesCounterMode prf = new AesCounterMode(master);
        rtpCipher = new AesCounterMode(KeyDerivation.derive(prf, salt, KeyDerivation.RTP_ENCRYPTION, 16));
        rtpMac = new HmacSha1(KeyDerivation.derive(prf, salt, KeyDerivation.RTP_AUTH, SrtpSuite.AUTH_KEY_LENGTH));
        rtpSalt = KeyDerivation.derive(prf, salt, KeyDerivation.RTP_SALT, SrtpSuite.SALT_LENGTH);
        rtcpCipher = new AesCounterMode(KeyDerivation.derive(prf, salt, KeyDerivation.RTCP_ENCRYPTION, 16));
        rtcpMac = new HmacSha1(KeyDerivation.derive(prf, salt, KeyDerivation.RTCP_AUTH, SrtpSuite.AUTH_KEY_LENGTH));
        rtcpSalt = KeyDerivation.derive(prf, salt, KeyDerivation.RTCP_SALT, SrtpSuite.SALT_LENGTH);
    }

    public SrtpSuite suite() {
        return suite;
    }

    /** Bytes protect adds to an RTP packet. */
    public int rtpOverhead() {
        return suite.rtpTagLength();
    }

    /** Bytes protect adds to an RTCP packet: the E flag and index word, and the tag. */
    public int rtcpOverhead() {
        return SRTCP_INDEX_LENGTH + suite.rtcpTagLength();
    }

    /** Authenticates, replay-checks and decrypts an SRTP packet; on {@link Verdict#OK} the limit drops the tag. */
    public Verdict unprotectRtp(ByteBuffer packet) {
        byte[] b = packet.array();
        int off = packet.arrayOffset() + packet.position();
        int authenticated = packet.remaining() - suite.rtpTagLength();
        int header = rtpHeaderLength(b, off, authenticated);
        if (header < 0) {
            return Verdict.MALFORMED;
        }
        int seq = u16(b, off + 2);
        int ssrc = i32(b, off + 8);
        SsrcState state = state(ssrc);
        if (state == null) {
            return Verdict.MALFORMED;
        }
        long v = state.rtpStarted ? guessRoc(state, seq) : 0;
        if (v < 0) {
            return Verdict.REPLAYED;
        }
        long index = (v << 16) | seq;
        if (!state.rtpReplay.isFresh(index)) {
            return Verdict.REPLAYED;
        }
        rtpDigest(b, off, authenticated, v);
        if (!tagMatches(b, off + authenticated, suite.rtpTagLength())) {
            return Verdict.AUTH_FAILED;
        }
        ivFor(rtpSalt, ssrc, index);
        rtpCipher.apply(iv, b, off + header, authenticated - header);
        advance(state, v, seq);
        state.rtpReplay.accept(index);
        keep(state);
        packet.limit(packet.position() + authenticated);
        return Verdict.OK;
    }

    /**
     * Encrypts an RTP packet and appends its tag, unless its index was sent before under this key.
     * The index comes from the packet's own sequence number (a relay forwards what the phone sent),
     * so a sender that restarts its sequence numbers in the same SSRC (as after a re-key of its own
     * inbound leg while this outbound key is kept) would have the hub encrypt new audio under an
     * index already used: a two-time pad for anyone on the path. Each index is therefore sent at
     * most once (the sent indices are kept in a window like the receiver's replay list); one sent
     * already, or older than the window, is refused, as the receiving phone would drop it anyway.
     *
     * @return false, with the packet untouched, when its index was sent already or is too old
     * @throws IllegalArgumentException if it is not RTP version 2 or there is no room for the tag
     * @throws IllegalStateException if it would be the {@value #MAX_SSRCS}+1th SSRC of this context
     */
    public boolean protectRtp(ByteBuffer packet) {
        byte[] b = packet.array();
        int off = packet.arrayOffset() + packet.position();
        int length = packet.remaining();
        int header = rtpHeaderLength(b, off, length);
        if (header < 0) {
            throw new IllegalArgumentException("not an RTP version 2 packet of " + length + " bytes");
        }
        roomFor(packet, suite.rtpTagLength());
        int seq = u16(b, off + 2);
        int ssrc = i32(b, off + 8);
        SsrcState state = stateToSend(ssrc);
        // A packet reordered from before the first one sent, across a wrap, stays in ROC 0.
        long v = state.rtpStarted ? Math.max(0, guessRoc(state, seq)) : 0;
        long index = (v << 16) | seq;
        // On the sending side the replay list holds the indices sent: none is encrypted twice.
        if (!state.rtpReplay.isFresh(index)) {
            return false;
        }
        ivFor(rtpSalt, ssrc, index);
        rtpCipher.apply(iv, b, off + header, length - header);
        rtpDigest(b, off, length, v);
        System.arraycopy(digest, 0, b, off + length, suite.rtpTagLength());
        advance(state, v, seq);
        state.rtpReplay.accept(index);
        packet.limit(packet.limit() + suite.rtpTagLength());
        return true;
    }

    /** Authenticates, replay-checks and decrypts an SRTCP packet; on {@link Verdict#OK} the limit drops index and tag. */
    public Verdict unprotectRtcp(ByteBuffer packet) {
        byte[] b = packet.array();
        int off = packet.arrayOffset() + packet.position();
        int length = packet.remaining();
        int tagLength = suite.rtcpTagLength();
        if (length < 8 + SRTCP_INDEX_LENGTH + tagLength || (b[off] & 0xc0) != 0x80) {
            return Verdict.MALFORMED;
        }
        int authenticated = length - tagLength;
        int word = i32(b, off + authenticated - SRTCP_INDEX_LENGTH);
        long index = word & 0x7fff_ffffL;
        int ssrc = i32(b, off + 4);
        SsrcState state = state(ssrc);
        if (state == null) {
            return Verdict.MALFORMED;
        }
        if (!state.rtcpReplay.isFresh(index)) {
            return Verdict.REPLAYED;
        }
        rtcpMac.compute(b, off, authenticated, digest);
        if (!tagMatches(b, off + authenticated, tagLength)) {
            return Verdict.AUTH_FAILED;
        }
        int plainEnd = authenticated - SRTCP_INDEX_LENGTH;
        if ((word & ENCRYPTED) != 0) {
            ivFor(rtcpSalt, ssrc, index);
            rtcpCipher.apply(iv, b, off + 8, plainEnd - 8);
        }
        state.rtcpReplay.accept(index);
        keep(state);
        packet.limit(packet.position() + plainEnd);
        return Verdict.OK;
    }

    /**
     * Encrypts an RTCP compound packet after its first 8 bytes, appends E flag and SRTCP index, and the tag.
     * The index counts per SSRC from 0, as a sender's must.
     *
     * @throws IllegalArgumentException if it is shorter than an RTCP header or there is no room
     */
    public void protectRtcp(ByteBuffer packet) {
        byte[] b = packet.array();
        int off = packet.arrayOffset() + packet.position();
        int length = packet.remaining();
        if (length < 8 || (b[off] & 0xc0) != 0x80) {
            throw new IllegalArgumentException("not an RTCP version 2 packet of " + length + " bytes");
        }
        roomFor(packet, rtcpOverhead());
        int ssrc = i32(b, off + 4);
        SsrcState state = stateToSend(ssrc);
        int index = state.rtcpNextIndex;
        state.rtcpNextIndex = (index + 1) & 0x7fff_ffff;
        ivFor(rtcpSalt, ssrc, index);
        rtcpCipher.apply(iv, b, off + 8, length - 8);
        putI32(b, off + length, ENCRYPTED | index);
        int authenticated = length + SRTCP_INDEX_LENGTH;
        rtcpMac.compute(b, off, authenticated, digest);
        System.arraycopy(digest, 0, b, off + authenticated, suite.rtcpTagLength());
        packet.limit(packet.limit() + rtcpOverhead());
    }

    /** The rollover counter of an SSRC this context has kept, or -1. */
    long rolloverCounter(int ssrc) {
        SsrcState state = states.get(ssrc);
        return state == null || !state.rtpStarted ? -1 : state.roc;
    }

    /** RFC 3711 Appendix A: the ROC that puts {@code seq} closest to the highest sequence number seen. */
    static long guessRoc(SsrcState state, int seq) {
        long roc = state.roc;
        int highest = state.highestSeq;
        if (highest < 32768) {
            return seq - highest > 32768 ? roc - 1 : roc;
        }
        return highest - 32768 > seq ? roc + 1 : roc;
    }

    private static void advance(SsrcState state, long v, int seq) {
        if (!state.rtpStarted) {
            state.rtpStarted = true;
            state.roc = v;
            state.highestSeq = seq;
        } else if (v == state.roc + 1) {
            state.roc = v;
            state.highestSeq = seq;
        } else if (v == state.roc && seq > state.highestSeq) {
            state.highestSeq = seq;
        }
    }

    /** The header's length with CSRCs and extension, or -1 if it is not RTP v2 or does not fit in {@code length}. */
    static int rtpHeaderLength(byte[] b, int off, int length) {
        if (length < 12 || (b[off] & 0xc0) != 0x80) {
            return -1;
        }
        int header = 12 + 4 * (b[off] & 0x0f);
        if ((b[off] & 0x10) != 0) {
            if (length < header + 4) {
                return -1;
            }
            header += 4 + 4 * u16(b, off + header + 2);
        }
        return header <= length ? header : -1;
    }

    private void rtpDigest(byte[] b, int off, int length, long v) {
        putI32(roc, 0, (int) v);
        rtpMac.compute(b, off, length, roc, roc.length, digest);
    }

    /** Constant time, so the position of the first wrong byte leaks nothing to a forger. */
    private boolean tagMatches(byte[] b, int at, int length) {
        int diff = 0;
        for (int i = 0; i < length; i++) {
            diff |= digest[i] ^ b[at + i];
        }
        return diff == 0;
    }

    /** IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), RFC 3711 §4.1.1. */
    private void ivFor(byte[] salt, int ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, SrtpSuite.SALT_LENGTH);
        iv[14] = 0;
        iv[15] = 0;
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
    }

    /** An existing state, or a new one not kept until a packet of that SSRC authenticates. */
    private SsrcState state(int ssrc) {
        if (last != null && last.ssrc == ssrc) {
            return last;
        }
        SsrcState state = states.get(ssrc);
        if (state != null) {
            last = state;
            return state;
        }
        return states.size() < MAX_SSRCS ? new SsrcState(ssrc) : null;
    }

    private SsrcState stateToSend(int ssrc) {
        SsrcState state = state(ssrc);
        if (state == null) {
            throw new IllegalStateException("more than " + MAX_SSRCS + " SSRCs in one SRTP context");
        }
        keep(state);
        return state;
    }

    private void keep(SsrcState state) {
        if (!state.kept) {
            state.kept = true;
            states.put(state.ssrc, state);
        }
        last = state;
    }

    private static void roomFor(ByteBuffer packet, int bytes) {
        if (!packet.hasArray() || packet.capacity() - packet.limit() < bytes) {
            throw new IllegalArgumentException("need a heap buffer with " + bytes + " bytes past the packet");
        }
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static int i32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static void putI32(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }

    /** What RFC 3711 keeps per SSRC in one direction. */
    static final class SsrcState {
        final int ssrc;
        boolean kept;
        boolean rtpStarted;
        long roc;
        int highestSeq;
        final ReplayWindow rtpReplay = new ReplayWindow();
        final ReplayWindow rtcpReplay = new ReplayWindow();
        int rtcpNextIndex;

        SsrcState(int ssrc) {
            this.ssrc = ssrc;
        }
    }
}
