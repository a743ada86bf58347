package io.hub.sip.node;

import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.log.LogText;
import io.hub.sip.location.Binding;
import io.hub.sip.location.LocationService;
import io.hub.sip.transport.Flow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import javax.sip.header.RouteHeader;
import javax.sip.header.ViaHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node holding a phone's flow, for calls another node routes to that phone: a stateless proxy
 * between the link the other node opened and the phone's flow. An INVITE from a node peer names the
 * phone's flow in its Route ({@link FlowToken}); it goes down that flow with this node's Via on top,
 * and from then on the dialog's Call-ID ties the two flows: requests and answers pass either way,
 * this node's Via added on the way out and taken off the answers. The calling node's B2BUA owns the
 * call and its media relay; this node authenticates nothing of the phone's again (the calling node
 * did), and accepts relayed requests only from a peer whose certificate the hub CA issued to a node.
 *
 * <p>A phone's request on its own flow goes to the relay only when its Call-ID is a relayed dialog
 * on that very flow; everything else a phone sends is the hub's own business, as before.
 */
public final class NodeRelay {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRelay.class);
    /** The branch prefix of this relay's Vias: the magic cookie, then a mark of its own. */
    static final String BRANCH_PREFIX = "z9hG4bKnode";
    /** Dialogs relayed at once; beyond it new INVITEs are answered 503. */
    static final int MAX_DIALOGS = 20_000;

    /** One relayed dialog: the link to the calling node and the phone's flow. */
    private static final class Relayed {
        final Flow peer;
        final Flow phone;
        final String aor;
        /** The INVITE failed: the dialog goes once the calling node's ACK of the failure passed. */
        volatile boolean failed;

        Relayed(Flow peer, Flow phone, String aor) {
            this.peer = peer;
            this.phone = phone;
            this.aor = aor;
        }
    }

    private final LocationService location;
    private final Predicate<List<X509Certificate>> nodeCertificate;
    private final Map<String, Relayed> dialogs = new ConcurrentHashMap<>();
    private final HeaderFactoryImpl headers = new HeaderFactoryImpl();

    /**
     * @param nodeCertificate whether a client chain is a node's of this cluster (hub CA, node
     *     certificate profile)
     */
    public NodeRelay(LocationService location, Predicate<List<X509Certificate>> nodeCertificate) {
        this.location = location;
        this.nodeCertificate = nodeCertificate;
    }

    /** Dialogs relayed now. */
    public int dialogs() {
        return dialogs.size();
    }

    /** The serial numbers of the node certificates the peers of the dialogs relayed now presented. */
    public java.util.Set<java.math.BigInteger> peerSerials() {
        java.util.Set<java.math.BigInteger> serials = new java.util.HashSet<>();
        for (Relayed relayed : dialogs.values()) {
            if (!relayed.peer.peerCertificates().isEmpty()) {
                serials.add(relayed.peer.peerCertificates().get(0).getSerialNumber());
            }
        }
        return serials;
    }

    /**
     * A request on {@code flow}; true when it was the relay's (a node peer's, or a phone's in a
     * relayed dialog), false when the hub handles it as a phone's.
     */
    public boolean request(SIPRequest request, Flow flow) {
        if (isInboundPeer(flow)) {
            fromPeer(request, flow);
            return true;
        }
        if (flow.nodePeer() || request.getCallId() == null) {
            return false;
        }
        Relayed relayed = dialogs.get(request.getCallId().getCallId());
        if (relayed == null || relayed.phone != flow) {
            return false;
        }
        forward(request, relayed.peer, relayed);
        return true;
    }

    /** An answer on {@code flow}; true when it belonged to a relayed dialog and was passed on. */
    public boolean response(SIPResponse response, Flow flow) {
        if (response.getCallId() == null || response.getTopmostVia() == null) {
            return false;
        }
        Relayed relayed = dialogs.get(response.getCallId().getCallId());
        if (relayed == null || (flow != relayed.phone && flow != relayed.peer)) {
            return false;
        }
        String branch = response.getTopmostVia().getBranch();
        if (branch == null || !branch.startsWith(BRANCH_PREFIX)) {
            // Not to a request this relay passed on: nothing to strip, nowhere to send it.
            return true;
        }
        response.removeFirst(ViaHeader.NAME);
        Flow onward = flow == relayed.phone ? relayed.peer : relayed.phone;
        int code = response.getStatusCode();
        String method = response.getCSeq() == null ? "" : response.getCSeq().getMethod();
        // Forgotten before it is passed on: whoever hears the answer finds the dialog gone already.
        if (code >= 200 && method.equals("BYE")) {
            dialogs.remove(response.getCallId().getCallId(), relayed);
        } else if (code >= 300 && method.equals("INVITE") && flow == relayed.phone) {
            relayed.failed = true;
        }
        onward.send(response.encode());
        return true;
    }

    /** A flow closed: the dialogs relayed over it are forgotten. */
    public void flowClosed(Flow flow) {
        List<String> forgotten = new ArrayList<>();
        dialogs.entrySet().removeIf(entry -> {
            boolean gone = entry.getValue().peer == flow || entry.getValue().phone == flow;
            if (gone) {
                forgotten.add(entry.getKey());
            }
            return gone;
        });
        if (!forgotten.isEmpty()) {
            // One line for the flow; a few Call-IDs tell which calls lost their way, all of them would flood.
            LOG.info("sip node flow {} closed: {} relayed dialog(s) forgotten, such as {}", flow, forgotten.size(),
                    LogText.of(String.join(" ", forgotten.subList(0, Math.min(3, forgotten.size())))));
        }
    }

    /** A node peer's link the other node opened to this one, judged once by its certificate. */
    private boolean isInboundPeer(Flow flow) {
        if (flow.nodePeer()) {
            return !flow.linkOpenedHere();
        }
        if (!"TLS".equals(flow.transport()) || !nodeCertificate.test(flow.peerCertificates())) {
            return false;
        }
        flow.markNodePeer();
        LOG.info("sip node peer {} recognised by its certificate {}", flow,
                LogText.of(flow.peerCertificates().get(0).getSubjectX500Principal().getName()));
        return true;
    }

    private void fromPeer(SIPRequest request, Flow peer) {
        String method = request.getMethod();
        if (request.getCallId() == null) {
            return;
        }
        if (method.equals("OPTIONS")) {
            peer.send(request.createResponse(200, "OK").encode());
            return;
        }
        String callId = request.getCallId().getCallId();
        Relayed relayed = dialogs.get(callId);
        if (relayed != null) {
            if (relayed.peer != peer) {
                LOG.info("sip node {} {} from {} refused: the dialog is relayed for {}", LogText.of(method),
                        LogText.of(callId), peer, relayed.peer);
                answer(request, peer, 403, "Forbidden");
                return;
            }
            if (method.equals("ACK") && relayed.failed) {
                dialogs.remove(callId, relayed);
            }
            forward(request, relayed.phone, relayed);
            return;
        }
        if (!method.equals("INVITE") || request.getToTag() != null) {
            if (!method.equals("ACK")) {
                LOG.info("sip node {} {} from {} answered 481: no dialog relayed here", LogText.of(method),
                        LogText.of(callId), peer);
                answer(request, peer, 481, "Call/Transaction Does Not Exist");
            }
            return;
        }
        Optional<FlowToken> token = token(request);
        if (token.isEmpty()) {
            LOG.info("sip node INVITE {} from {} refused: no flow token in its Route", LogText.of(callId), peer);
            answer(request, peer, 404, "Not Found");
            return;
        }
        Optional<Binding> binding = location.bindings(token.get().aor()).stream()
                .filter(b -> b.contact().replaceFirst("^<([^>]*)>.*$", "$1").equals(token.get().contactUri()))
                .findFirst();
        if (binding.isEmpty()) {
            LOG.info("sip node INVITE to {} refused: no binding of {} here", LogText.of(token.get().aor()),
                    LogText.of(token.get().contactUri()));
            answer(request, peer, 404, "Not Found");
            return;
        }
        Optional<Flow> phone = location.flow(binding.get()).filter(Flow::isOpen);
        if (phone.isEmpty()) {
            LOG.info("sip node INVITE to {} refused: its flow here is gone", LogText.of(token.get().aor()));
            answer(request, peer, 480, "Temporarily Unavailable");
            return;
        }
        if (dialogs.size() >= MAX_DIALOGS) {
            answer(request, peer, 503, "Service Unavailable");
            return;
        }
        if (request.getMaxForwards() != null && request.getMaxForwards().getMaxForwards() <= 1) {
            answer(request, peer, 483, "Too Many Hops");
            return;
        }
        request.removeFirst(RouteHeader.NAME);
        Relayed fresh = new Relayed(peer, phone.get(), token.get().aor());
        dialogs.put(callId, fresh);
        LOG.info("sip node INVITE {} for {} relayed from {} to {}", LogText.of(callId), LogText.of(fresh.aor),
                peer, phone.get());
        forward(request, phone.get(), fresh);
    }

    /** Passes a request on down {@code onward} with this node's Via on top. */
    private void forward(SIPRequest request, Flow onward, Relayed relayed) {
        if (request.getMaxForwards() != null) {
            try {
                request.getMaxForwards().decrementMaxForwards();
            } catch (javax.sip.header.TooManyHopsException e) {
                answer(request, relayed.phone == onward ? relayed.peer : relayed.phone, 483, "Too Many Hops");
                return;
            }
        }
        try {
            String host = onward.local().getAddress().getHostAddress();
            ViaHeader via = headers.createViaHeader(host, onward.local().getPort(), onward.transport(),
                    branch(request));
            request.addFirst(via);
        } catch (java.text.ParseException | javax.sip.InvalidArgumentException | javax.sip.SipException e) {
            throw new IllegalStateException("a Via of this node's own did not build: " + e.getMessage(), e);
        }
        if (!onward.send(request.encode()) && !request.getMethod().equals("ACK")) {
            request.removeFirst(ViaHeader.NAME);
            answer(request, onward == relayed.phone ? relayed.peer : relayed.phone, 480, "Temporarily Unavailable");
            dialogs.remove(request.getCallId().getCallId(), relayed);
        }
    }

    /**
     * This node's branch for a request it passes on: derived from the incoming one, so a CANCEL (and
     * the ACK of a failure) gets the branch of the INVITE it follows, as a stateless proxy's must
     * (RFC 3261 §16.11).
     */
    private static String branch(SIPRequest request) {
        String incoming = request.getTopmostVia() == null ? "" : String.valueOf(request.getTopmostVia().getBranch());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((incoming + "|" + request.getCallId().getCallId()).getBytes(StandardCharsets.UTF_8));
            return BRANCH_PREFIX + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<FlowToken> token(SIPRequest request) {
        RouteHeader route = (RouteHeader) request.getHeader(RouteHeader.NAME);
        if (route == null || !(route.getAddress().getURI() instanceof SipUri uri)) {
            return Optional.empty();
        }
        return FlowToken.decode(uri.getUser());
    }

    private static void answer(SIPRequest request, Flow flow, int status, String reason) {
        if (!request.getMethod().equals("ACK")) {
            flow.send(request.createResponse(status, reason).encode());
        }
    }
}
