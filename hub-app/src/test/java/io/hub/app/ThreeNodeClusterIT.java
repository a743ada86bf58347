package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.HubPki;
import io.hub.pki.HubTlsEngines;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.sip.CallPhone;
import io.hub.sip.SipTestClient;
import io.hub.testing.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged hubs ({@code scripts/hub start --node}) on loopback and one PostgreSQL: phones
 * enrolled on node A and given their configuration by node B (test phones speaking SDES-SRTP, baresip,
 * and the emulator), registered on different nodes, call each other with SRTP media both ways; the
 * admin API of any node lists every registration; node B killed with -9, its phones register again on
 * node C (the emulator by itself, through its configuration's fallback entry point) and are called
 * there, and every binding answered 200 on a node still up is still listed; a device disabled through
 * node C loses its flow on node A.
 */
class ThreeNodeClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> PHONES = Map.of("1001", "00809f000001", "1002", "00809f000002",
            "1003", "00809f000003");

    @TempDir
    Path dir;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<CallPhone> phones = new ArrayList<>();

    /** One hub process: its home, the ports it printed, and its admin API. */
    private record Node(String name, Path home, Process process, int sipTlsPort, String admin, String device) {
    }

    private static final String EMULATOR = "00809f000004";
    private Baresip baresip;
    private final java.util.concurrent.BlockingQueue<Integer> emulatorRegisteredAt =
            new java.util.concurrent.LinkedBlockingQueue<>();
    private io.hub.phone.net.NetLoop emulatorLoop;
    private java.util.concurrent.ExecutorService emulatorWork;
    private io.hub.phone.Phone emulator;

    @AfterEach
    void stop() throws Exception {
        phones.forEach(CallPhone::close);
        if (baresip != null) {
            baresip.close();
        }
        if (emulator != null) {
            try {
                emulator.stop().get(15, TimeUnit.SECONDS);
            } finally {
                emulatorLoop.close();
                emulatorWork.shutdownNow();
            }
        }
        for (Node node : nodes.values()) {
            node.process().destroy();
            if (!node.process().waitFor(30, TimeUnit.SECONDS)) {
                node.process().destroyForcibly();
            }
        }
    }

    @Test
    void threeNodesCarryCallsSurviveAKillAndFollowAnAdminOnAnyNode() throws Exception {
        String url = TestPostgres.shared().newDatabase();
        Path homeA = dir.resolve("a");
        Files.createDirectories(homeA);
        Files.writeString(homeA.resolve("hub.yaml"), String.join("\n", "bind: 127.0.0.1", "httpsPort: 0",
                "adminPort: 0", "sipTlsPort: 0", "webPort: 0", "sipDomain: hub.test", "databaseUrl: '" + url + "'", ""));
        start("a", 31000);
        for (String name : List.of("b", "c")) {
            Process init = HubScript.command("scripts/hub", "node", "init", "--from", homeA.toString(), "--home",
                    dir.resolve(name).toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(init.waitFor(60, TimeUnit.SECONDS) && init.exitValue() == 0, "hub node init of " + name);
            start(name, name.equals("b") ? 31100 : 31200);
        }
        X509Certificate hubCa = PemFiles.readCertificate(homeA.resolve("pki/ca.pem"));
        String token = Files.readString(homeA.resolve("admin-token")).strip();
        HttpClient admin = adminClient(hubCa);
        await(() -> upNodes(admin, token, node("c")) == 3, "every node sees the three nodes up");

        Map<String, String> passwords = new LinkedHashMap<>();
        for (Map.Entry<String, String> phone : new java.util.TreeMap<>(PHONES).entrySet()) {
            HttpResponse<String> enrolled = send(admin, token, node("a"), "POST", "/admin/v1/devices",
                    "{\"mac\":\"" + phone.getValue() + "\",\"model\":\"Myriad M7\",\"extension\":\"" + phone.getKey()
                            + "\"}");
            assertEquals(201, enrolled.statusCode(), enrolled.body());
            passwords.put(phone.getKey(), sipPassword(homeA, hubCa, node("b"), phone.getValue()));
        }
        CallPhone x = phone("1001", node("a"), hubCa, passwords);
        CallPhone y = phone("1002", node("b"), hubCa, passwords);
        Path tone = dir.resolve("tone.wav");
        Baresip.writeTone(tone, 120);
        baresip = Baresip.calls(new Baresip.Account(dir, "baresip-1003", homeA.resolve("pki/ca.pem"),
                node("c").sipTlsPort(), "1003", passwords.get("1003"), "hub.test"), 180, tone, false);
        await(() -> "node-c".equals(registered(admin, token, node("c")).get("1003")), "baresip registers on node C");

        // The emulator, whose site names node B as its registrar and node C as its fallback.
        assertEquals(200, send(admin, token, node("a"), "PUT", "/admin/v1/sites/Paris", "{\"settings\": "
                + "{\"sip.registrar.port\": \"" + node("b").sipTlsPort() + "\", \"sip.registrar.fallback.host\": "
                + "\"localhost\", \"sip.registrar.fallback.port\": \"" + node("c").sipTlsPort() + "\"}}").statusCode());
        assertEquals(201, send(admin, token, node("c"), "POST", "/admin/v1/devices", "{\"mac\":\"" + EMULATOR
                + "\",\"model\":\"Myriad M7\",\"extension\":\"1004\",\"site\":\"Paris\"}").statusCode());
        bootEmulator(homeA, hubCa, node("b"));
        assertEquals(node("b").sipTlsPort(), emulatorRegisteredAt.poll(60, TimeUnit.SECONDS),
                "the emulator registers on node B");

        // A phone on node B calls a phone on node A: SRTP both ways through B's relay.
        talk(y, x);
        for (String on : List.of("a", "b", "c")) {
            assertEquals(Map.of("1001", "node-a", "1002", "node-b", "1003", "node-c", "1004", "node-b"),
                    registered(admin, token, node(on)), "node " + on + "'s admin API lists every registration");
        }

        // Node B killed with -9: its phone registers again on node C and is called there.
        node("b").process().destroyForcibly();
        assertTrue(node("b").process().waitFor(30, TimeUnit.SECONDS));
        assertTrue(y.sip.closedByHub(), "the phone on node B lost its connection");
        await(() -> !registered(admin, token, node("a")).containsValue("node-b"),
                "the other nodes forget node B's bindings once its heartbeat stopped");
        CallPhone yAgain = phone("1002", node("c"), hubCa, passwords);
        talk(x, yAgain);
        assertEquals(node("c").sipTlsPort(), emulatorRegisteredAt.poll(60, TimeUnit.SECONDS),
                "the emulator fails over to node C by itself");
        emulatorCalls(x);
        assertEquals(Map.of("1001", "node-a", "1002", "node-c", "1003", "node-c", "1004", "node-c"),
                registered(admin, token, node("a")),
                "every binding answered 200 on a node that is up is still there");
        // The phone on node A calls baresip on node C, which answers by itself: SRTP both ways.
        callBaresip(x, "1003");

        // A device disabled through node C's admin API loses its flow on node A.
        assertEquals(200, send(admin, token, node("c"), "PATCH", "/admin/v1/devices/" + PHONES.get("1001"),
                "{\"state\": \"disabled\"}").statusCode());
        assertTrue(x.sip.closedByHub(), "node A closed the disabled phone's flow");
        await(() -> !registered(admin, token, node("c")).containsKey("1001"), "no node lists the disabled phone");
    }

    private Node start(String name, int relayFrom) throws Exception {
        Path home = dir.resolve(name);
        Process process = HubScript.command("scripts/hub", "start", "--home", home.toString(), "--node",
                "node-" + name, "--relay-ports", relayFrom + "-" + (relayFrom + 99))
                .redirectError(dir.resolve(name + ".log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String printed = HubScript.untilReady(out);
        int sip = Integer.parseInt(line(printed, "SIP over TLS").replaceAll(".*:(\\d+);transport=tls.*", "$1"));
        String admin = line(printed, "admin HTTPS (API, metrics)").replaceAll(".*(https://[^/ ]+).*", "$1");
        String device = line(printed, "device HTTPS (discovery)").replaceAll(".*(https://[^/ ]+).*", "$1");
        Node node = new Node(name, home, process, sip, admin, device);
        nodes.put(name, node);
        // The rest of what it prints is drained, so the hub never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // nothing to keep
                }
            } catch (java.io.IOException e) {
                // the hub ended
            }
        }, "drain-" + name);
        drain.setDaemon(true);
        drain.start();
        return node;
    }

    /**
     * The SIP password in the phone's configuration, fetched as the phone does (its factory certificate,
     * mutual TLS) from {@code node}: node B serves what node A enrolled.
     */
    private String sipPassword(Path homeA, X509Certificate hubCa, Node node, String mac) throws Exception {
        DeviceCertificates.IssuedCertificate certificate = HubPki.at(homeA.resolve("pki"), Clock.systemUTC())
                .issueDeviceCertificate(DeviceCertificateRequest.of(MacAddress.parse(mac), "Myriad M7"),
                        dir.resolve("phone-" + mac));
        HttpClient phone = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(
                SipTestClient.context(hubCa, certificate.certificate(), certificate.keys().getPrivate())).build();
        HttpResponse<String> config = phone.send(HttpRequest.newBuilder(URI.create(node.device() + "/prov/v1/config/"
                + mac + ".xml")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, config.statusCode(), config.body());
        String password = javax.xml.xpath.XPathFactory.newInstance().newXPath().evaluate(
                "/deviceConfig/sip/account/@password", new org.xml.sax.InputSource(new java.io.StringReader(
                        config.body())));
        assertTrue(password.length() >= 20, config.body());
        return password;
    }

    private Node node(String name) {
        return nodes.get(name);
    }

    private CallPhone phone(String user, Node node, X509Certificate hubCa, Map<String, String> passwords)
            throws Exception {
        CallPhone phone = new CallPhone(user, SipTestClient.tls(node.sipTlsPort(), hubCa, null, null));
        phones.add(phone);
        phone.register(passwords.get(user));
        return phone;
    }

    /** A call from {@code caller} to {@code callee}, media both ways, hung up by the caller. */
    private static void talk(CallPhone caller, CallPhone callee) throws Exception {
        CallPhone.Established call = CallPhone.call(caller, callee);
        CallPhone.Heard heard = CallPhone.exchangeMedia(caller, callee);
        assertTrue(heard.both(), caller.user + " and " + callee.user + " heard each other: " + heard);
        caller.send(caller.request("BYE", "sip:hub@127.0.0.1", call.callId(), "tag-" + caller.user, call.hubTag(),
                "<sip:" + callee.user + "@hub.test>", 50, null));
        callee.answer(callee.expectRequest("BYE"), 200, null, null);
        caller.expectResponse(200, "BYE");
    }

    /**
     * A call from {@code caller} to baresip, which answers by itself and plays its tone: the caller
     * decrypts baresip's media from the hub, and baresip decrypts the caller's.
     */
    private void callBaresip(CallPhone caller, String callee) throws Exception {
        String callId = java.util.UUID.randomUUID().toString();
        caller.send(caller.invite(callee, callId, caller.sdp()));
        gov.nist.javax.sip.message.SIPResponse ok = caller.expectFinal("INVITE");
        assertEquals(200, ok.getStatusCode(), "baresip answered: " + ok);
        caller.hubSdp(ok);
        caller.send(caller.request("ACK", "sip:hub@127.0.0.1", callId, "tag-" + caller.user, ok.getTo().getTag(),
                "<sip:" + callee + "@hub.test>", ok.getCSeq().getSeqNumber(), null));
        int heard = 0;
        for (int i = 0; i < 150 && heard < 50; i++) {
            caller.sendMedia();
            heard += caller.receiveMedia() != null ? 1 : 0;
        }
        assertTrue(heard >= 50, caller.user + " heard baresip through the hub: " + heard + " packets");
        caller.send(caller.request("BYE", "sip:hub@127.0.0.1", callId, "tag-" + caller.user, ok.getTo().getTag(),
                "<sip:" + callee + "@hub.test>", ok.getCSeq().getSeqNumber() + 1, null));
        caller.expectResponse(200, "BYE");
        // The hub's BYE reaches baresip down its flow on node C.
        await(() -> baresipLog().contains("Call with sip:" + caller.user + "@hub.test terminated"),
                "baresip hears the call end", () -> "\nbaresip:\n" + baresipLog() + logTail("a") + logTail("c"));
        baresip.close();
        // baresip hands a packet to its stream only once its SRTP layer authenticated and decrypted it.
        assertTrue(baresipLog().contains("incoming rtp for 'audio' established"), "baresip decrypted the caller's "
                + "media:\n" + baresipLog());
    }

    private String baresipLog() {
        try {
            return Files.readString(baresip.log);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The emulator phone, booted from {@code node}'s device port with a factory certificate of the cluster's CA. */
    private void bootEmulator(Path homeA, X509Certificate hubCa, Node node) throws Exception {
        emulatorLoop = new io.hub.phone.net.NetLoop("emulator");
        emulatorWork = java.util.concurrent.Executors.newSingleThreadExecutor();
        io.hub.phone.PhoneSettings settings = io.hub.phone.PhoneSettings.defaults(URI.create("https://localhost:"
                + node.device().replaceAll(".*:", "") + "/"), List.of(hubCa));
        emulator = new io.hub.phone.Phone(emulatorLoop, settings, new io.hub.phone.identity.PhoneCertificates(
                java.util.Optional.empty(), HubPki.at(homeA.resolve("pki"), Clock.systemUTC()), Clock.systemUTC()),
                emulatorWork, MacAddress.parse(EMULATOR), "Myriad M7", null, new io.hub.phone.Phone.Listener() {
                    @Override
                    public void registered(io.hub.phone.SipUserAgent agent,
                            io.hub.phone.SipUserAgent.Registration registration) {
                        emulatorRegisteredAt.add(agent.entryPoint().address().getPort());
                    }
                });
        emulator.boot().get(120, TimeUnit.SECONDS);
    }

    /** The emulator calls {@code callee} for two seconds: each side decrypts the other's media. */
    private void emulatorCalls(CallPhone callee) throws Exception {
        java.util.concurrent.CompletableFuture<io.hub.phone.call.PhoneCalls.CallResult> result =
                new java.util.concurrent.CompletableFuture<>();
        emulatorLoop.execute(() -> {
            io.hub.phone.call.PhoneCalls calls = new io.hub.phone.call.PhoneCalls(emulatorLoop,
                    new io.hub.phone.call.MediaClock(emulatorLoop), emulator.config().mediaPortMin(),
                    emulator.config().mediaPortMax(), ended -> { });
            emulator.agent().calls(calls);
            calls.call(emulator.agent(), callee.user, java.time.Duration.ofSeconds(2)).whenComplete((done, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(done);
                }
            });
        });
        gov.nist.javax.sip.message.SIPRequest invite = callee.expectRequest("INVITE");
        callee.answer(invite, 200, "callee-tag", callee.sdp());
        callee.hubSdp(invite);
        int heard = 0;
        for (int i = 0; i < 100 && heard < 20; i++) {
            callee.sendMedia();
            heard += callee.receiveMedia() != null ? 1 : 0;
        }
        assertTrue(heard >= 20, callee.user + " heard the emulator: " + heard + " packets");
        for (int i = 0; i < 50; i++) {
            callee.sendMedia();
        }
        callee.answer(callee.expectRequest("BYE"), 200, null, null);
        io.hub.phone.call.PhoneCalls.CallResult done = result.get(60, TimeUnit.SECONDS);
        // What the relay sent before the BYE is read here, under this call's key, not by the next call.
        for (int i = 0; i < 1000 && callee.receiveMedia() != null; i++) {
            // drained
        }
        assertTrue(done.answered(), "the emulator's call: " + done);
        assertTrue(done.received() != null && done.received().received() >= 20 && done.received().authFailures() == 0,
                "the emulator decrypted " + callee.user + "'s media: " + done);
    }

    /** Extension to node of every registration the node's admin API lists. */
    private static Map<String, String> registered(HttpClient admin, String token, Node node) {
        try {
            JsonNode listed = JSON.readTree(send(admin, token, node, "GET", "/admin/v1/registrations", null).body());
            Map<String, String> byExtension = new java.util.TreeMap<>();
            Set<String> seen = new HashSet<>();
            for (JsonNode row : listed.path("registrations")) {
                String extension = row.path("aor").asText().replaceAll("^sip:([^@]+)@.*$", "$1");
                if (seen.add(extension + row.path("node").asText())) {
                    byExtension.merge(extension, row.path("node").asText(), (a, b) -> a + "," + b);
                }
            }
            return byExtension;
        } catch (Exception e) {
            throw new AssertionError("node " + node.name() + "'s registrations: " + e, e);
        }
    }

    private static long upNodes(HttpClient admin, String token, Node node) {
        try {
            JsonNode listed = JSON.readTree(send(admin, token, node, "GET", "/admin/v1/nodes", null).body());
            long up = 0;
            for (JsonNode row : listed.path("nodes")) {
                up += "up".equals(row.path("state").asText()) ? 1 : 0;
            }
            return up;
        } catch (Exception e) {
            return 0;
        }
    }

    private static HttpResponse<String> send(HttpClient admin, String token, Node node, String method, String path,
            String json) throws Exception {
        return admin.send(HttpRequest.newBuilder(URI.create(node.admin() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient adminClient(X509Certificate hubCa) throws Exception {
        return HttpClient.newBuilder().sslContext(HubTlsEngines.clientTrusting(hubCa, null)).build();
    }

    private static String line(String printed, String label) {
        return printed.lines().filter(l -> l.strip().startsWith(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " in\n" + printed));
    }

    /** Waits for what the hubs do on their own; bounded, and a failure says what was awaited. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, what, () -> "");
    }

    /** As above, and a failure carries {@code evidence}: the logs that tell why, gone with the folder after. */
    private static void await(BooleanSupplier condition, String what, java.util.function.Supplier<String> evidence)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what + evidence.get());
            }
            Thread.sleep(200);
        }
    }

    /** The last lines node {@code name} logged. */
    private String logTail(String name) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
            return "\nnode " + name + "'s log, last lines:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (java.io.IOException e) {
            return "\n(no log of node " + name + ": " + e.getMessage() + ")";
        }
    }
}
