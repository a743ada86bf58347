package io.hub.dhcp.probe;

import io.hub.dhcp.ProbeReport;
import io.hub.dhcp.AlePhones;
import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.Finding;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the network's DHCP servers what they would give an ALE phone: one DHCPDISCOVER (and one
 * DHCPINFORM when asked) to each destination of the plan, then every OFFER and ACK collected until
 * the timeout, since several servers may answer. It never sends a REQUEST, so no lease is taken,
 * and never a RELEASE. Waiting is bounded by the timeout and by a count of datagrams.
 */
public final class DhcpProbe {

    private static final Logger LOG = LoggerFactory.getLogger(DhcpProbe.class);
    /** More datagrams than this in one probe is a flood, not a set of DHCP servers. */
    static final int MAX_DATAGRAMS = 512;
    static final int MAX_REPLIES = 64;

    private final SecureRandom random = new SecureRandom();
    private final int maxDatagrams;

    public DhcpProbe() {
        this(MAX_DATAGRAMS);
    }

    DhcpProbe(int maxDatagrams) {
        this.maxDatagrams = maxDatagrams;
    }

    /**
     * Runs the probe.
     *
     * @throws ProbeException when the client port cannot be bound or nothing could be sent
     */
    public ProbeReport run(ProbePlan plan, DhcpRules rules) {
        int discoverXid = random.nextInt();
        int informXid = discoverXid + 1;
        Set<Integer> xids = plan.inform() ? Set.of(discoverXid, informXid) : Set.of(discoverXid);
        List<String> notes = new ArrayList<>(plan.notes());
        List<ProbeReport.Answer> answers = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        try (ProbeSocket socket = open(plan)) {
            int sent = 0;
            for (InetSocketAddress destination : plan.destinations()) {
                sent += send(socket, DhcpPacket.discover(discoverXid, plan.mac(), plan.vendorClass(),
                        AlePhones.PARAMETER_REQUEST_LIST), destination, "DHCPDISCOVER", notes);
                if (plan.inform()) {
                    sent += send(socket, DhcpPacket.inform(informXid, plan.mac(), plan.clientAddress(),
                            plan.vendorClass(), AlePhones.PARAMETER_REQUEST_LIST), destination, "DHCPINFORM", notes);
                }
            }
            if (sent == 0) {
                throw new ProbeException("nothing could be sent: " + String.join("; ", notes));
            }
            collect(socket, plan, rules, xids, answers, findings, notes);
        } catch (IOException e) {
            throw new ProbeException("the probe failed: " + e.getMessage());
        }
        if (answers.isEmpty()) {
            notes.add("no DHCP server answered within " + plan.timeout().toMillis() / 1000.0 + " s");
        }
        return new ProbeReport(answers, findings, notes);
    }

    /** A socket bound to the plan's device when it names one, else a channel bound to its address. */
    private static ProbeSocket open(ProbePlan plan) throws IOException {
        return plan.device() != null ? DeviceSocket.open(plan.device(), plan.bind().getPort())
                : ChannelSocket.bind(plan.bind());
    }

    private void collect(ProbeSocket socket, ProbePlan plan, DhcpRules rules,
            Set<Integer> xids, List<ProbeReport.Answer> answers, List<Finding> findings, List<String> notes)
            throws IOException {
        long deadline = System.nanoTime() + plan.timeout().toNanos();
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        Set<String> seen = new HashSet<>();
        Set<String> skipped = new LinkedHashSet<>();
        int datagrams = 0;
        while (datagrams < maxDatagrams && answers.size() < MAX_REPLIES) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            InetSocketAddress source;
            long wait = left;
            while (datagrams < maxDatagrams && (source = socket.receive(buffer, wait)) != null) {
                wait = 0;
                datagrams++;
                String from = source.getAddress().getHostAddress();
                DhcpReplyParser.Result result = DhcpReplyParser.parse(buffer.array(), buffer.position(), xids, from);
                if (result.reply().isEmpty()) {
                    skipped.add(result.skipped());
                    continue;
                }
                DhcpReply reply = result.reply().get();
                // Sent to two destinations, a server answers twice; one answer per server and type is enough.
                if (!seen.add(reply.type() + " " + reply.server() + " " + reply.xid())) {
                    continue;
                }
                LOG.info("dhcp probe reply type={} server={} offered={} problems={}", reply.typeName(),
                        reply.server(), reply.offered(), reply.problems().size());
                answers.add(new ProbeReport.Answer(reply.typeName(), reply.server(), reply.offered()));
                findings.addAll(ReplyFindings.of(reply, rules, plan.vendorClass()));
            }
        }
        if (datagrams >= maxDatagrams) {
            notes.add("stopped after " + maxDatagrams + " datagrams");
        }
        skipped.stream().limit(10).forEach(why -> notes.add("skipped: " + why));
    }

    private static int send(ProbeSocket socket, byte[] packet, InetSocketAddress destination, String what,
            List<String> notes) {
        try {
            socket.send(packet, destination);
            LOG.info("dhcp probe sent {} to {}", what, destination);
            return 1;
        } catch (IOException e) {
            notes.add(what + " to " + destination.getAddress().getHostAddress() + " not sent: " + e.getMessage());
            return 0;
        }
    }
}
