package io.hub.app.web;

import io.hub.pki.log.LogText;
import io.hub.sip.SipAccount;
import io.hub.sip.SipAccounts;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /phone/turn}: the TURN servers a softphone may use, as the browser's {@code iceServers},
 * with credentials of its own ({@link TurnCredentials}) for a SIP account that proves its password.
 *
 * <p>The proof is the SIP digest the softphone already answers on REGISTER (RFC 7616's MD5 with
 * {@code qop=auth} over the account's realm and SIP password), under the scheme name
 * {@code HubDigest}: a browser answering a plain {@code Digest} challenge to {@code fetch} would show
 * its own sign-in dialog. The hub keeps no session: the nonce is the time it was made and an HMAC
 * over it with a key of this process, good for {@link #NONCE_SECONDS}. With no TURN configured the
 * answer is an empty list and no proof is asked (there is nothing to protect).
 */
final class TurnOffer extends Handler.Abstract {

    static final String PATH = "/phone/turn";
    static final String SCHEME = "HubDigest";
    /** How long a challenge's nonce may be answered. */
    static final long NONCE_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(TurnOffer.class);
    private static final Pattern PARAMETER = Pattern.compile("([a-z]+)=(?:\"([^\"]*)\"|([^,\\s]*))");

    private final Optional<TurnCredentials> turn;
    private final SipAccounts accounts;
    private final Clock clock;
    private final byte[] nonceKey = new byte[32];

    TurnOffer(Optional<TurnCredentials> turn, SipAccounts accounts, Clock clock) {
        this.turn = turn;
        this.accounts = accounts;
        this.clock = clock;
        new SecureRandom().nextBytes(nonceKey);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!Request.getPathInContext(request).equals(PATH)) {
            return false;
        }
        if (!request.getMethod().equals("GET")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            Response.writeError(request, response, callback, 405);
            return true;
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (turn.isEmpty()) {
            json(response, callback, 200, "{\"iceServers\":[]}");
            return true;
        }
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        Optional<String> user = authorization == null ? Optional.empty() : verified(authorization);
        if (user.isEmpty()) {
            if (authorization != null) {
                LOG.info("turn credentials refused from {}: {}", Request.getRemoteAddr(request),
                        LogText.of(authorization.replaceAll("response=\"?[0-9a-f]*\"?", "response=…")));
            }
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, SCHEME + " nonce=\"" + nonce(
                    clock.instant().getEpochSecond()) + "\", algorithm=MD5, qop=\"auth\"");
            json(response, callback, 401, "{\"error\":\"sign in with the SIP account's digest\"}");
            return true;
        }
        TurnCredentials.Issued issued = turn.get().issue(user.get());
        LOG.info("turn credentials issued to {} until {}", LogText.of(user.get()), issued.expiresAtEpochSecond());
        StringBuilder urls = new StringBuilder();
        for (String url : issued.urls()) {
            urls.append(urls.isEmpty() ? "" : ",").append('"').append(url).append('"');
        }
        json(response, callback, 200, "{\"iceServers\":[{\"urls\":[" + urls + "],\"username\":\""
                + issued.username() + "\",\"credential\":\"" + issued.credential() + "\"}],\"expires\":"
                + issued.expiresAtEpochSecond() + "}");
        return true;
    }

    /** The AOR {@code user@realm} whose digest this is, when it is right and its nonce fresh. */
    private Optional<String> verified(String authorization) {
        if (!authorization.startsWith(SCHEME + " ")) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        Matcher matcher = PARAMETER.matcher(authorization.substring(SCHEME.length() + 1));
        while (matcher.find()) {
            fields.put(matcher.group(1), matcher.group(2) != null ? matcher.group(2) : matcher.group(3));
        }
        for (String required : List.of("username", "realm", "nonce", "uri", "response", "nc", "cnonce")) {
            if (fields.get(required) == null || fields.get(required).isEmpty()) {
                return Optional.empty();
            }
        }
        if (!fields.get("uri").equals(PATH) || !"auth".equals(fields.get("qop")) || !freshNonce(fields.get("nonce"))) {
            return Optional.empty();
        }
        Optional<SipAccount> account = accounts.account(fields.get("username"), fields.get("realm"));
        if (account.isEmpty() || !account.get().enabled() || !account.get().realm().equals(fields.get("realm"))) {
            return Optional.empty();
        }
        String ha1 = md5(account.get().user() + ":" + account.get().realm() + ":" + account.get().password());
        String expected = md5(ha1 + ":" + fields.get("nonce") + ":" + fields.get("nc") + ":" + fields.get("cnonce")
                + ":auth:" + md5("GET:" + PATH));
        boolean right = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                fields.get("response").getBytes(StandardCharsets.US_ASCII));
        return right ? Optional.of(account.get().user() + "@" + account.get().realm()) : Optional.empty();
    }

    private boolean freshNonce(String nonce) {
        int dot = nonce.indexOf('.');
        if (dot < 1 || !nonce.substring(0, dot).matches("[0-9]{1,12}")) {
            return false;
        }
        long made = Long.parseLong(nonce.substring(0, dot));
        long age = clock.instant().getEpochSecond() - made;
        return age >= 0 && age <= NONCE_SECONDS && MessageDigest.isEqual(nonce(made).getBytes(StandardCharsets.US_ASCII),
                nonce.getBytes(StandardCharsets.US_ASCII));
    }

    private String nonce(long epochSecond) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(nonceKey, "HmacSHA256"));
            return epochSecond + "." + HexFormat.of().formatHex(mac.doFinal(
                    Long.toString(epochSecond).getBytes(StandardCharsets.US_ASCII)), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    private static void json(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, java.nio.ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
