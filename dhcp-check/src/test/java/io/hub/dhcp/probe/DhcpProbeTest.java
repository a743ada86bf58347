package io.hub.dhcp.probe;

import io.hub.dhcp.ProbeReport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hub.dhcp.AlePhones;
import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.DiscoveryUrl;
import io.hub.dhcp.Finding;
import io.hub.dhcp.FindingKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The probe end to end on loopback against a scripted server: several answers, duplicates, lies and
 * noise. The namespace test in hub-app runs it against a real dnsmasq on a real interface.
 */
class DhcpProbeTest {

    private static final DiscoveryUrl HUB = DiscoveryUrl.parse("https://hub.example.com:8443/rdd/v1/discovery");
    private static final byte[] MAC = {0x00, (byte) 0x80, (byte) 0x9f, 0x11, 0x22, 0x33};

    private static ProbePlan plan(InetSocketAddress server, boolean inform, Duration timeout) {
        return new ProbePlan(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List.of(server), MAC,
                new byte[] {127, 0, 0, 1}, AlePhones.VENDOR_CLASS, timeout, inform, List.of());
    }

    /** What two servers and some noise answer to a DISCOVER, and one of them to an INFORM. */
    private static List<byte[]> answers(FakeDhcpServer.Request request) {
        List<byte[]> answers = new ArrayList<>();
        if (request.type() == 1) {
            byte[] garbage = new byte[57];
            new Random(1).nextBytes(garbage);
            answers.add(garbage);
            answers.add(ReplyBytes.reply(2, request.xid() + 1000, MAC).end());
            byte[] pbx = ReplyBytes.reply(2, request.xid(), MAC).offered("10.213.0.50").address(54, "10.213.0.1")
                    .address(3, "10.213.0.1").address(6, "10.213.0.1").address(42, "10.213.0.1")
                    .option(66, "tftp://10.1.1.5").end();
            answers.add(pbx);
            answers.add(pbx);
            answers.add(ReplyBytes.reply(2, request.xid(), MAC).offered("10.213.0.60").address(54, "10.213.0.9")
                    .address(3, "10.213.0.9").raw((byte) 43, (byte) 200, (byte) 1).bytes());
        } else if (request.type() == 8) {
            answers.add(ReplyBytes.reply(5, request.xid(), MAC).address(54, "10.213.0.1").address(3, "10.213.0.1")
                    .address(6, "10.213.0.1").address(42, "10.213.0.1").option(67, HUB.toString()).end());
        }
        return answers;
    }

    @Test
    void aProbeBoundToADeviceInsteadOfAnAddressHearsTheSameAnswers() throws Exception {
        assumeTrue(ProbeInterface.isRoot(), "binding a socket to a device needs root");
        try (FakeDhcpServer server = new FakeDhcpServer(DhcpProbeTest::answers)) {
            ProbePlan plan = new ProbePlan(new InetSocketAddress(0), List.of(server.address()), MAC, null,
                    AlePhones.VENDOR_CLASS, Duration.ofMillis(1500), false, List.of(), "lo");

            ProbeReport report = new DhcpProbe().run(plan, new DhcpRules(HUB));

            assertEquals(List.of(new ProbeReport.Answer("DHCPOFFER", "10.213.0.1", "10.213.0.50"),
                    new ProbeReport.Answer("DHCPOFFER", "10.213.0.9", "10.213.0.60")), sorted(report.answers()));
            assertEquals(List.of(1), server.requests().stream().map(FakeDhcpServer.Request::type).toList(),
                    "one DISCOVER, never a REQUEST");
        }
    }

    @Test
    void aDeviceThatDoesNotExistIsRefusedInOneLine() {
        assumeTrue(ProbeInterface.isRoot(), "binding a socket to a device needs root");
        ProbePlan plan = new ProbePlan(new InetSocketAddress(0), List.of(new InetSocketAddress(
                InetAddress.getLoopbackAddress(), 67)), MAC, null, AlePhones.VENDOR_CLASS, Duration.ofMillis(100),
                false, List.of(), "hub-nope0");

        ProbeException refused = assertThrows(ProbeException.class, () -> new DhcpProbe().run(plan,
                new DhcpRules(HUB)));

        assertTrue(refused.getMessage().startsWith("cannot bind UDP 0.0.0.0:0 on hub-nope0 (No such device)"),
                refused.getMessage());
    }

    @Test
    void everyServersAnswerIsJudgedOnceAndNoiseIsSkipped() throws Exception {
        try (FakeDhcpServer server = new FakeDhcpServer(DhcpProbeTest::answers)) {
            long started = System.nanoTime();
            ProbeReport report = new DhcpProbe().run(plan(server.address(), true, Duration.ofMillis(1500)),
                    new DhcpRules(HUB));
            long took = Duration.ofNanos(System.nanoTime() - started).toMillis();

            assertEquals(List.of(new ProbeReport.Answer("DHCPOFFER", "10.213.0.1", "10.213.0.50"),
                    new ProbeReport.Answer("DHCPOFFER", "10.213.0.9", "10.213.0.60"),
                    new ProbeReport.Answer("DHCPACK", "10.213.0.1", "0.0.0.0")), sorted(report.answers()));
            List<String> findings = report.findings().stream().map(f -> f.where() + " " + f.kind().code()).sorted()
                    .toList();
            assertEquals(List.of("DHCPACK from 10.213.0.1 matches-hub",
                    "DHCPOFFER from 10.213.0.1 tftp-server",
                    "DHCPOFFER from 10.213.0.9 malformed-reply",
                    "DHCPOFFER from 10.213.0.9 no-dns",
                    "DHCPOFFER from 10.213.0.9 no-ntp"), findings);
            Finding tftp = report.findings().stream().filter(f -> f.kind() == FindingKind.TFTP_SERVER).findFirst()
                    .orElseThrow();
            assertEquals("tftp://10.1.1.5", tftp.raw());
            assertTrue(Finding.anyConflict(report.findings()));
            assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("skipped: ") && n.contains("answers "
                    + "another client")), report.notes().toString());
            assertTrue(report.notes().stream().anyMatch(n -> n.contains("too short for a DHCP message")),
                    report.notes().toString());
            assertTrue(took >= 1400 && took < 4000, "the probe waits for the whole timeout, no longer: " + took);
        }
    }

    @Test
    void theProbeAsksLikeAnAlePhoneAndNeverRequestsOrReleases() throws Exception {
        try (FakeDhcpServer server = new FakeDhcpServer(request -> List.of())) {
            ProbeReport report = new DhcpProbe().run(plan(server.address(), true, Duration.ofMillis(300)),
                    new DhcpRules(HUB));

            List<FakeDhcpServer.Request> requests = server.requests();
            assertEquals(List.of(1, 8), requests.stream().map(FakeDhcpServer.Request::type).toList());
            for (FakeDhcpServer.Request request : requests) {
                assertEquals(0x8000, request.flags(), "the broadcast flag: a phone has no address yet");
                byte[] vendorClass = ("\u003c_" + AlePhones.VENDOR_CLASS).getBytes(StandardCharsets.US_ASCII);
                vendorClass[1] = (byte) AlePhones.VENDOR_CLASS.length();
                assertTrue(indexOf(request.options(), vendorClass) >= 0, "option 60 is the ALE vendor class");
                byte[] list = {55, 12, 1, 3, 6, 15, 42, 43, 60, 66, 67, 120, (byte) 150, (byte) 160};
                assertTrue(indexOf(request.options(), list) >= 0, "option 55 asks what a phone asks");
            }
            assertEquals(List.of(), report.answers());
            assertEquals(List.of("no DHCP server answered within 0.3 s"), report.notes());
        }
    }

    @Test
    void aServerThatFloodsIsCutOffByTheDatagramBoundBeforeTheTimeout() throws Exception {
        byte[] noise = new byte[240];
        List<byte[]> flood = java.util.Collections.nCopies(100, noise);
        try (FakeDhcpServer server = new FakeDhcpServer(request -> flood)) {
            long started = System.nanoTime();
            ProbeReport report = new DhcpProbe(20).run(plan(server.address(), false, Duration.ofSeconds(10)),
                    new DhcpRules(HUB));
            long took = Duration.ofNanos(System.nanoTime() - started).toMillis();

            assertTrue(report.notes().contains("stopped after 20 datagrams"), report.notes().toString());
            assertTrue(report.notes().contains("skipped: a datagram from 127.0.0.1 is not a BOOTP reply (op 0)"),
                    report.notes().toString());
            assertTrue(took < 5000, "stopped early: " + took + " ms");
        }
    }

    @Test
    void aTakenClientPortIsAOneLineRefusal() throws Exception {
        try (FakeDhcpServer server = new FakeDhcpServer(request -> List.of());
                java.net.DatagramSocket taken = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            ProbePlan plan = new ProbePlan((InetSocketAddress) taken.getLocalSocketAddress(), List.of(server.address()),
                    MAC, null, AlePhones.VENDOR_CLASS, Duration.ofMillis(100), false, List.of());

            ProbeException refused = assertThrows(ProbeException.class, () -> new DhcpProbe().run(plan,
                    new DhcpRules(HUB)));

            assertTrue(refused.getMessage().startsWith("cannot bind UDP 127.0.0.1:" + taken.getLocalPort()),
                    refused.getMessage());
        }
    }

    @Test
    void anInterfaceThatDoesNotExistOrIsLoopbackIsRefused() {
        ProbeException missing = assertThrows(ProbeException.class,
                () -> ProbeInterface.plan("hub-nope0", Duration.ofSeconds(1), false, null));
        ProbeException loopback = assertThrows(ProbeException.class,
                () -> ProbeInterface.plan("lo", Duration.ofSeconds(1), false, null));

        assertEquals("no network interface 'hub-nope0' (ip link lists them)", missing.getMessage());
        assertEquals("interface lo is a loopback; no DHCP server answers there", loopback.getMessage());
    }

    @Test
    void theSubnetBroadcastComesFromThePrefixNotFromTheInterfaceSetting() throws Exception {
        java.net.Inet4Address address = (java.net.Inet4Address) InetAddress.getByName("10.213.0.2");

        assertEquals("10.213.0.255", ProbeInterface.subnetBroadcast(address, 24).orElseThrow().getHostAddress());
        assertEquals("10.213.255.255", ProbeInterface.subnetBroadcast(address, 16).orElseThrow().getHostAddress());
        assertEquals(java.util.Optional.empty(), ProbeInterface.subnetBroadcast(address, 31));
        assertEquals(java.util.Optional.empty(), ProbeInterface.subnetBroadcast(address, 32));
    }

    private static List<ProbeReport.Answer> sorted(List<ProbeReport.Answer> answers) {
        return answers.stream().sorted(java.util.Comparator.comparing(ProbeReport.Answer::type).reversed()
                .thenComparing(ProbeReport.Answer::server)).toList();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(haystack, i, i + needle.length), needle)) {
                return i;
            }
        }
        return -1;
    }
}
