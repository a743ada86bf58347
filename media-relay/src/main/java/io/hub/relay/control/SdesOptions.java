package io.hub.relay.control;

import io.hub.relay.RelayMode;
import io.hub.relay.srtp.SrtpSuite;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an offer's ng options ask of SRTP, in rtpengine's words. The {@code SDES} list (or
 * {@code SDES-…} entries of {@code flags}) and {@code transport-protocol} are read:
 * <ul>
 *   <li>{@code nonew}: offer no new keys, only the offerer's: the phones keep their keys end to end
 *       and the relay forwards SRTP untouched ({@link RelayMode#PASSTHROUGH}). rtpengine does the same
 *       with it, since the answer can only pick a key the offerer made.</li>
 *   <li>otherwise the hub terminates SRTP ({@link RelayMode#TERMINATION}): each phone gets a fresh key
 *       of the hub, so one phone's key never reaches the other.</li>
 *   <li>{@code no-SUITE} and {@code only-SUITE} narrow the suites offered onward;
 *       {@code off}/{@code no}/{@code disable}, and a plain RTP {@code transport-protocol}, are
 *       refused: SRTP is mandatory.</li>
 * </ul>
 * Session parameters ({@code unencrypted_srtcp} …), {@code pad}, {@code lifetime}, {@code order:}
 * and {@code static} change nothing here: the hub always encrypts and authenticates, and writes
 * keys without padding or lifetime.
 */
record SdesOptions(RelayMode mode, List<SrtpSuite> excluded, List<SrtpSuite> only, boolean onlyAsked,
                   String transportProtocol) {

    /** SDES profiles, and WebRTC's DTLS-SRTP one (RelayCalls bridges to it only with DTLS legs). */
    private static final Set<String> SRTP_PROFILES = Set.of("RTP/SAVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVPF");

    static SdesOptions of(NgRequest request) throws NgError {
        List<String> sdes = new ArrayList<>();
        for (String value : request.strings("SDES")) {
            sdes.add(NgRequest.normalise(value));
        }
        for (String flag : request.flags()) {
            if (flag.startsWith("sdes-")) {
                sdes.add(flag.substring("sdes-".length()));
            }
        }
        RelayMode mode = RelayMode.TERMINATION;
        List<SrtpSuite> excluded = new ArrayList<>();
        List<SrtpSuite> only = new ArrayList<>();
        boolean onlyAsked = false;
        for (String option : sdes) {
            if (option.equals("off") || option.equals("no") || option.equals("disable")) {
                throw new NgError("SRTP is mandatory: SDES cannot be turned off");
            } else if (option.equals("nonew")) {
                mode = RelayMode.PASSTHROUGH;
            } else if (option.startsWith("no-")) {
                suite(option.substring(3)).ifPresent(excluded::add);
            } else if (option.startsWith("only-")) {
                onlyAsked = true;
                suite(option.substring(5)).ifPresent(only::add);
            }
        }
        String protocol = request.optionalString("transport-protocol");
        if (protocol != null && !SRTP_PROFILES.contains(protocol.strip().toUpperCase(Locale.ROOT))) {
            throw new NgError("SRTP is mandatory: transport-protocol " + protocol
                    + " is not RTP/SAVP, RTP/SAVPF or UDP/TLS/RTP/SAVPF");
        }
        return new SdesOptions(mode, List.copyOf(excluded), List.copyOf(only), onlyAsked,
                protocol == null ? null : protocol.strip().toUpperCase(Locale.ROOT));
    }

    /**
     * The suites to offer the phone across the relay: the offerer's own suite first, then the others
     * the hub speaks, narrowed by {@code only-} (which wins, as in rtpengine) or {@code no-}.
     *
     * @throws NgError when the options leave none
     */
    List<SrtpSuite> suitesOnward(SrtpSuite offerers) throws NgError {
        List<SrtpSuite> ordered = new ArrayList<>(List.of(offerers));
        for (SrtpSuite suite : SrtpSuite.values()) {
            if (suite != offerers) {
                ordered.add(suite);
            }
        }
        if (onlyAsked) {
            ordered.retainAll(only);
        } else {
            ordered.removeAll(excluded);
        }
        if (ordered.isEmpty()) {
            throw new NgError("the SDES options leave no crypto suite the hub speaks ("
                    + List.of(SrtpSuite.values()) + ")");
        }
        return ordered;
    }

    /** A suite named in an option; suites the hub does not speak (AES_256, GCM, F8 …) are nothing to exclude. */
    private static Optional<SrtpSuite> suite(String name) {
        for (SrtpSuite suite : SrtpSuite.values()) {
            if (suite.name().equalsIgnoreCase(name)) {
                return Optional.of(suite);
            }
        }
        return Optional.empty();
    }
}
