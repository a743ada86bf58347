package io.hub.sip.registrar;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sip.header.AuthorizationHeader;

/**
 * HTTP digest for SIP (RFC 3261 §22, RFC 8760 for SHA-256) with stateless nonces: a nonce is its
 * issue time, 8 bytes that name it (3 random bytes naming this process, then a sequence number of 5),
 * and an HMAC of both under a per-process key, so any nonce the hub did not make is refused, and an
 * old one is answered {@code stale=true}. The sequence makes two challenges of the same millisecond
 * differ: phones booting together would otherwise share a nonce, and the second one's {@code nc=1}
 * would look replayed. Each nonce's highest {@code nc} is kept ({@link NonceCounts}), so a replayed
 * response is refused.
 */
public final class DigestAuthenticator {

    /** How long a nonce is good; a phone re-registering later gets stale=true and answers at once. */
    static final Duration NONCE_LIFETIME = Duration.ofMinutes(5);
    private static final int SEQUENCE_BITS = 40;
    private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;
    private static final int ISSUER_BITS = 64 - SEQUENCE_BITS;

    /** The outcome of checking an Authorization header. */
    public enum Verdict {
        OK, MISSING, STALE, BAD_NONCE, REPLAYED, WRONG_USER, WRONG_PASSWORD, MALFORMED,
        /** The digest's {@code uri} is not the request's Request-URI: an answer made for another request. */
        WRONG_URI
    }

    private final byte[] key;
    private final ThreadLocal<Mac> macs;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    /** This process among the nodes that verify each other's nonces, in a nonce's name. */
    private final long issuer;
    private final AtomicLong lastSequence = new AtomicLong();
    private final NonceCounts counts;

    /** Nonces under a key of this process's own: only this process verifies them. */
    public DigestAuthenticator(Clock clock) {
        this(clock, null);
    }

    /**
     * Nonces under {@code nonceKey}: every process holding the same key (the nodes of a cluster)
     * verifies the nonces any of them issued. A count seen is remembered by the process that saw it.
     *
     * @param nonceKey at least 32 bytes, or null for a key of this process's own
     */
    public DigestAuthenticator(Clock clock, byte[] nonceKey) {
        this(clock, nonceKey, NonceCounts.SLOTS, NonceCounts.MAX_FOREIGN);
    }

    /** With a ring of {@code slots} for this process's nonces' counts, and at most {@code maxForeign} others'. */
    DigestAuthenticator(Clock clock, byte[] nonceKey, int slots, int maxForeign) {
        this.clock = clock;
        this.issuer = random.nextInt(1 << ISSUER_BITS);
        this.counts = new NonceCounts(slots, NONCE_LIFETIME.toMillis(), maxForeign);
        if (nonceKey == null) {
            this.key = new byte[32];
            random.nextBytes(key);
        } else if (nonceKey.length < 32) {
            throw new IllegalArgumentException("a nonce key of " + nonceKey.length + " bytes is shorter than 32");
        } else {
            this.key = nonceKey.clone();
        }
        this.macs = keyedMacs(key);
    }

    /**
     * WWW-Authenticate values to send: SHA-256 first (RFC 8760 §2.4), then MD5 for the many phones
     * that know nothing else; with {@code md5Only}, MD5 alone, for clients that give up on the whole
     * challenge when one of its headers names an algorithm they do not know (baresip's libre).
     */
    public List<String> challenges(String realm, boolean stale, boolean md5Only) {
        String nonce = nonce();
        String common = "realm=\"" + realm + "\", nonce=\"" + nonce + "\", qop=\"auth\""
                + (stale ? ", stale=true" : "");
        return md5Only ? List.of("Digest " + common + ", algorithm=MD5")
                : List.of("Digest " + common + ", algorithm=SHA-256", "Digest " + common + ", algorithm=MD5");
    }

    /**
     * Checks the parameters of an Authorization header against the account.
     *
     * The answer must carry {@code qop=auth} (the hub offers nothing else): without it the digest
     * covers neither a client nonce nor a count, so a captured header would replay for the nonce's
     * whole life with any other headers. Such an answer is {@link Verdict#MALFORMED} (challenged
     * again). Its {@code uri} must be the request's own Request-URI (RFC 7616 §3.4.6).
     *
     * @param method the request's method
     * @param isRequestUri whether the digest's {@code uri} parameter names the request's Request-URI
     * @param credentials the account the To header names
     */
    public Verdict check(Map<String, String> authorization, String method, Predicate<String> isRequestUri,
            SipCredentials credentials) {
        if (authorization == null) {
            return Verdict.MISSING;
        }
        String username = authorization.get("username");
        String nonce = authorization.get("nonce");
        String uri = authorization.get("uri");
        String response = authorization.get("response");
        String algorithm = authorization.getOrDefault("algorithm", "MD5").toUpperCase(Locale.ROOT);
        if (username == null || nonce == null || uri == null || response == null
                || !List.of("MD5", "SHA-256").contains(algorithm)) {
            return Verdict.MALFORMED;
        }
        if (!username.equals(credentials.user())) {
            return Verdict.WRONG_USER;
        }
        Nonce named = verified(nonce);
        if (named == null) {
            return Verdict.BAD_NONCE;
        }
        if (clock.millis() - named.issued() > NONCE_LIFETIME.toMillis()) {
            return Verdict.STALE;
        }
        String qop = authorization.get("qop");
        String nc = authorization.get("nc");
        String cnonce = authorization.get("cnonce");
        String ha1 = algorithm.equals("MD5") ? credentials.ha1Md5() : credentials.ha1Sha256();
        if (!"auth".equals(qop) || nc == null || cnonce == null || !isNonceCount(nc)) {
            return Verdict.MALFORMED;
        }
        if (!isRequestUri.test(uri)) {
            return Verdict.WRONG_URI;
        }
        String expected = response(algorithm, ha1, method, uri, nonce, qop, nc, cnonce);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return Verdict.WRONG_PASSWORD;
        }
        return switch (advance(nonce, named, Integer.parseUnsignedInt(nc, 16))) {
            case ADVANCED -> Verdict.OK;
            case REPLAYED -> Verdict.REPLAYED;
            // Its count is no longer known: a fresh nonce, as for one too old.
            case OVERTAKEN -> Verdict.STALE;
        };
    }

    /**
     * The response a client that knows the account's HA1 sends: with {@code qop=auth} that of RFC 7616
     * §3.4.1, without qop RFC 2069's (nc and cnonce then unused).
     */
    static String response(String algorithm, String ha1, String method, String uri, String nonce, String qop,
            String nc, String cnonce) {
        String ha2 = hash(algorithm, method + ":" + uri);
        return qop == null ? hash(algorithm, ha1 + ":" + nonce + ":" + ha2)
                : hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    /** MD5 or SHA-256 of {@code text}, lower-case hex. */
    public static String hash(String algorithm, String text) {
        // One digest per thread and algorithm: looking one up in the providers cost more than hashing.
        MessageDigest digest = (algorithm.equals("MD5") ? MD5 : SHA256).get();
        return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> digest("MD5"));
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> digest("SHA-256"));

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Eight hex digits, as RFC 7616 writes nc. */
    private static boolean isNonceCount(String nc) {
        if (nc.length() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (Character.digit(nc.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The HA1 of an account for both algorithms, as a credential source computes it. */
    public static SipCredentials credentials(String user, String realm, String password,
            java.util.Optional<io.hub.pki.MacAddress> device, boolean enabled) {
        String secret = user + ":" + realm + ":" + password;
        return new SipCredentials(user, realm, hash("MD5", secret), hash("SHA-256", secret), device, enabled);
    }

    /**
     * The parameters of a {@code Digest} Authorization header as JAIN-SIP parsed it, names in lower
     * case; null when its scheme is not digest. JAIN-SIP leaves a quoted value's quoted-pairs as they
     * were sent ({@code a\"b}), so they are undone here: the digest is over the unquoted value
     * (RFC 7616 §3.4, RFC 3261 §25.1 quoted-pair); a token cannot hold a backslash, so undoing
     * every value is safe.
     */
    public static Map<String, String> parameters(AuthorizationHeader header) {
        if (header == null || !"Digest".equalsIgnoreCase(header.getScheme())) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Iterator<?> names = header.getParameterNames(); names.hasNext(); ) {
            String name = (String) names.next();
            String value = header.getParameter(name);
            parameters.putIfAbsent(name.toLowerCase(Locale.ROOT), value == null ? "" : unquotePairs(value));
        }
        return parameters;
    }

    /** {@code \x} to {@code x}, as a quoted-string's quoted-pair reads (RFC 3261 §25.1). */
    static String unquotePairs(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder plain = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                c = value.charAt(++i);
            }
            plain.append(c);
        }
        return plain.toString();
    }

    private String nonce() {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 8 + 16);
        long now = clock.millis();
        long name = (issuer << SEQUENCE_BITS) | (lastSequence.incrementAndGet() & SEQUENCE_MASK);
        buffer.putLong(now).putLong(name).put(mac(now, name), 0, 16);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    /** A nonce's issue time and name, when its HMAC is the one this key makes; null otherwise. */
    private Nonce verified(String nonce) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(nonce);
            if (bytes.length != 32) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long issuedAt = buffer.getLong();
            long name = buffer.getLong();
            byte[] tag = new byte[16];
            buffer.get(tag);
            byte[] expected = java.util.Arrays.copyOf(mac(issuedAt, name), 16);
            return MessageDigest.isEqual(tag, expected) ? new Nonce(issuedAt, name) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private NonceCounts.Outcome advance(String nonce, Nonce named, int nc) {
        if (named.name() >>> SEQUENCE_BITS != issuer) {
            return counts.foreign(nonce, named.issued(), nc, clock.millis());
        }
        // The nonce carries its sequence's low bits; the whole number is the latest one issued with
        // those bits, since far fewer than 2^40 nonces are issued within a nonce's lifetime.
        long latest = lastSequence.get();
        long sequence = latest - ((latest - named.name()) & SEQUENCE_MASK);
        return sequence < 1 ? NonceCounts.Outcome.OVERTAKEN : counts.own(sequence, nc);
    }

    /** Nonces of other processes whose answers are being counted (the gauge {@code hub.sip.digest.foreign.nonces}). */
    public int foreignNoncesTracked() {
        return counts.foreignTracked();
    }

    /** What a nonce says of itself: when it was issued, and its name (issuer and sequence). */
    private record Nonce(long issued, long name) {
    }

    private byte[] mac(long issued, long salt) {
        return macs.get().doFinal(ByteBuffer.allocate(16).putLong(issued).putLong(salt).array());
    }

    /** One keyed HMAC per thread: a Mac is not thread-safe, and making one per nonce cost a provider lookup. */
    private static ThreadLocal<Mac> keyedMacs(byte[] key) {
        return ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
