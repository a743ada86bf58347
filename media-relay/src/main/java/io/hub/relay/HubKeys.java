package io.hub.relay;

import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;

/**
 * The one rule for the hub's SDES keys when a call's media is offered again (re-INVITE, UPDATE, an
 * ng {@code offer} or {@code answer} for a known call), applied by the one adapter both call sides
 * drive the relay through in termination mode ({@code io.hub.relay.offer.OfferAnswer}): the B2BUA
 * and ng.
 *
 * <p>Each leg has a hub key: the key the relay encrypts to that phone with, carrying the other
 * phone's packets (their SSRC and sequence numbers). The rule: <b>a leg keeps its hub key while
 * the phone whose packets it carries keeps its own key, and the suite still fits; otherwise it gets
 * a fresh one.</b> Why:
 * <ul>
 *   <li>RFC 3264 §8 lets a re-offer repeat what is in place, and RFC 4568 §7.1.4 says a repeated
 *       crypto attribute keeps the SRTP context (key, rollover counter, replay list) where it is.
 *       Hold, resume and session refreshes are such re-offers: keeping the keys keeps the media
 *       going with no window where a phone decrypts with a key the packets in flight were not
 *       encrypted with.</li>
 *   <li>A phone that offers or answers a new key starts a new SRTP context of its own, and may
 *       restart its sequence numbers under the same SSRC. The relay re-encrypts its packets with
 *       the other leg's hub key at their own index; under an old hub key a restarted index would
 *       reuse keystream, which RFC 3711 §9.1 forbids. So the leg carrying that phone's packets gets
 *       a fresh key, and the phone that changed nothing keeps its own.</li>
 * </ul>
 * Passthrough has no hub keys: the phones' own keys pass untouched and this rule does not apply.
 */
public final class HubKeys {

    private HubKeys() {
    }

    /**
     * Whether a phone's key in a new offer or answer is a new one (a new SRTP context), rather than
     * the key already in place. A phone with no key in place yet has no context to restart, and no
     * hub key carried its packets yet: that is no rekeying.
     *
     * @param inPlace the phone's key the relay decrypts it with now, or null
     * @param offered the key of the crypto line the hub takes from its new SDP
     */
    public static boolean rekeyed(SdesKey inPlace, SdesKey offered) {
        return inPlace != null && !inPlace.equals(offered);
    }

    /**
     * The hub key of a leg after an offer or answer.
     *
     * @param current the leg's hub key now, or null before it has one
     * @param suite the suite the key is to be in
     * @param senderRekeyed whether the phone whose packets the leg carries took a new key ({@link #rekeyed})
     * @return {@code current} when it may stay, else a fresh key in {@code suite}
     */
    public static SdesKey forLeg(SdesKey current, SrtpSuite suite, boolean senderRekeyed) {
        if (current != null && current.suite() == suite && !senderRekeyed) {
            return current;
        }
        return SdesKey.generate(suite);
    }
}
