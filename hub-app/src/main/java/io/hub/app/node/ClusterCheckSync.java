package io.hub.app.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.pki.log.LogText;
import io.hub.provisioning.CheckSyncSender;
import io.hub.provisioning.Delivery;
import io.hub.provisioning.ResyncOutcome;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A check-sync for a phone whose flow may be on another node: this node's own flows first; when it
 * has none, the other nodes that are up are asked ({@code check-sync} notice), the node holding the
 * phone's flow sends the NOTIFY down it and answers with the phone's answer ({@code check-sync-answer}),
 * the others answer {@code no-flow}. The first answer that is not {@code no-flow} is the outcome; all
 * of them {@code no-flow}, or none within the timeout, is {@code no-flow}.
 */
public final class ClusterCheckSync implements CheckSyncSender {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterCheckSync.class);
    static final String ASK = "check-sync";
    static final String ANSWER = "check-sync-answer";

    private final CheckSyncSender local;
    private final ClusterNotices notices;
    private final Supplier<Set<String>> peersUp;
    private final Duration timeout;
    private final Map<String, Asked> asked = new ConcurrentHashMap<>();

    /**
     * @param local this node's own sender (its flows)
     * @param peersUp the names of the other nodes that are up now
     * @param timeout how long a phone has to answer, to which a margin for the notices is added
     */
    public ClusterCheckSync(CheckSyncSender local, ClusterNotices notices, Supplier<Set<String>> peersUp,
            Duration timeout) {
        this.local = local;
        this.notices = notices;
        this.peersUp = peersUp;
        this.timeout = timeout.plusSeconds(2);
        notices.on(ASK, this::askedBy);
        notices.on(ANSWER, this::answered);
    }

    @Override
    public CompletableFuture<Delivery> send(String aor, boolean reboot) {
        return local.send(aor, reboot).thenCompose(delivery -> delivery.outcome() == ResyncOutcome.NO_FLOW
                ? askPeers(aor, reboot, delivery) : CompletableFuture.completedFuture(delivery));
    }

    private CompletableFuture<Delivery> askPeers(String aor, boolean reboot, Delivery none) {
        Set<String> peers = peersUp.get();
        if (peers.isEmpty()) {
            return CompletableFuture.completedFuture(none);
        }
        String id = UUID.randomUUID().toString();
        Asked question = new Asked(aor, peers);
        asked.put(id, question);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", id);
        fields.put("aor", aor);
        fields.put("reboot", reboot);
        if (!notices.publish(ASK, fields)) {
            asked.remove(id);
            return CompletableFuture.completedFuture(none);
        }
        return question.outcome.completeOnTimeout(new Delivery(ResyncOutcome.NO_FLOW, null, "no node answered for "
                + aor + " in " + timeout.toSeconds() + " s"), timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((delivery, failure) -> asked.remove(id));
    }

    /** Another node asks: this node's flows carry it, and the phone's answer goes back. */
    private void askedBy(JsonNode notice) {
        String id = notice.path("id").asText();
        String aor = notice.path("aor").asText();
        String origin = notice.path("from").asText();
        local.send(aor, notice.path("reboot").asBoolean()).thenAccept(delivery -> {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("id", id);
            fields.put("to", origin);
            fields.put("outcome", delivery.outcome().code());
            fields.put("status", delivery.status());
            fields.put("detail", delivery.detail());
            notices.publish(ANSWER, fields);
            if (delivery.outcome() != ResyncOutcome.NO_FLOW) {
                LOG.info("check-sync for {} asked by node {} sent down this node's flow: {}", LogText.of(aor),
                        LogText.of(origin), delivery.outcome().code());
            }
        });
    }

    private void answered(JsonNode notice) {
        if (!notices.self().equals(notice.path("to").asText())) {
            return;
        }
        Asked question = asked.get(notice.path("id").asText());
        if (question == null) {
            return;
        }
        ResyncOutcome outcome;
        try {
            outcome = ResyncOutcome.ofCode(notice.path("outcome").asText());
        } catch (IllegalArgumentException e) {
            return;
        }
        JsonNode status = notice.path("status");
        question.answer(notice.path("from").asText(), new Delivery(outcome, status.isInt() ? status.asInt() : null,
                notice.path("detail").isTextual() ? notice.path("detail").asText() : null));
    }

    /** One question to the other nodes, and the nodes that have not answered yet. */
    private static final class Asked {
        final String aor;
        final Set<String> waiting;
        final CompletableFuture<Delivery> outcome = new CompletableFuture<>();

        Asked(String aor, Set<String> peers) {
            this.aor = aor;
            this.waiting = new HashSet<>(peers);
        }

        synchronized void answer(String node, Delivery delivery) {
            if (delivery.outcome() != ResyncOutcome.NO_FLOW) {
                outcome.complete(delivery);
                return;
            }
            waiting.remove(node);
            if (waiting.isEmpty()) {
                outcome.complete(new Delivery(ResyncOutcome.NO_FLOW, null, "no live flow for " + aor + " on any node"));
            }
        }
    }
}
