package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.call.CallRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The softphone page at {@code /phone/} in a real browser (headless Debian chromium with its fake
 * microphone) against a hub: it signs in as extension 1001 and registers over WSS, calls a baresip
 * desk phone (1002, mandatory SDES-SRTP, auto-answer) and then answers that desk phone's call.
 * Each call carries media both ways on both legs: the hub's call record shows the browser's leg as
 * DTLS-SRTP and the desk phone's as SDES, each with packets received and sent, and the page's own
 * {@code getStats()} figures show packets in and out. And the same call from a browser whose UDP to
 * the relay's ports the test's nftables rule drops ({@link UdpDrop}), so that it must fall back to
 * its TURN candidate through a coturn on loopback over TCP.
 *
 * <p>Chromium's flags beyond the headless ones: {@code --use-fake-ui-for-media-stream} (grant the
 * microphone without a prompt) and {@code --use-fake-device-for-media-stream} (a generated tone as
 * the microphone); {@code --allow-loopback-in-peer-connection}, so Chromium may pair its sockets
 * with the hub's ICE-lite candidate on 127.0.0.1 (in practice its checks leave its host address's
 * socket for 127.0.0.1, which this machine delivers to itself); and
 * {@code --disable-features=WebRtcHideLocalIpsWithMdns}, so its candidates are addresses and not
 * mDNS names (the hub only answers checks, so only its own candidate really matters). Chromium's
 * post-quantum key share stays on: its ClientHello spans two datagrams, which the relay reassembles.
 */
class SoftphoneBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Packets each way before a call counts as talking: two seconds of 20 ms G.711. */
    private static final long PACKETS = 100;
    private static final String TURN_SECRET = "north-wind-7";
    private static final String[] BROWSER_FLAGS = {"--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required",
        "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns"};
    /** The group the TURN test's browser runs in, whose UDP to the relay's ports {@link #udpDrop} drops. */
    private static final int BLOCKED_BROWSER_GROUP = 64117;

    private static UdpDrop udpDrop;

    @TempDir
    Path dir;

    private Hub hub;
    private WebDriver browser;
    private WebDriverWait wait;
    private Baresip desk;
    private Coturn coturn;

    /**
     * Drops every UDP datagram the TURN test's browser sends to the relay's port range; nothing else
     * (coturn's relayed datagrams, the desk phone's) is touched. Removed after the class, pass or fail.
     */
    @BeforeAll
    static void blockTheBlockedBrowsersUdpToTheRelay() throws Exception {
        int[] relayPorts = TestSettings.ephemeralPorts().relayPortRange();
        udpDrop = UdpDrop.install(BLOCKED_BROWSER_GROUP, relayPorts[0], relayPorts[1]);
    }

    @AfterAll
    static void removeTheUdpDrop() throws Exception {
        if (udpDrop != null) {
            udpDrop.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        Chromium.assertInstalled();
        coturn = Coturn.start(dir.resolve("coturn"), "localhost", TURN_SECRET);
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.turnUris = List.of("turn:127.0.0.1:" + coturn.port + "?transport=tcp");
        settings.turnSecret = TURN_SECRET;
        hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
        enroll("00809f000101", "1001", "Softphone");
        enroll("00809f000102", "1002", "Desk");
        Path tone = dir.resolve("tone.wav");
        Baresip.writeTone(tone, 120);
        desk = Baresip.calls(new Baresip.Account(dir, "baresip-1002", hub.pki().file(HubPki.HUB_CA_CERTIFICATE),
                hub.sip().tlsPort(), "1002", password("00809f000102")), 180, tone, true);
        browser = Chromium.start(hub, dir.resolve("chromium-profile"), BROWSER_FLAGS);
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (desk != null) {
            desk.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (coturn != null) {
            coturn.close();
        }
    }

    @Test
    void theBrowserCallsTheDeskPhoneAndAnswersItsCall() throws Exception {
        browser.get("https://localhost:" + hub.webPort() + "/phone/");
        assertEquals("wss://localhost:" + hub.webPort() + "/sip", browser.findElement(By.id("server"))
                .getAttribute("value"));
        assertEquals("localhost", browser.findElement(By.id("domain")).getAttribute("value"));

        // A wrong password is refused and said so (by /phone/turn, asked first); the right one registers.
        signIn("1001", "not-the-password");
        waitFor("error", text -> text.equals("signing in: TURN credentials refused: HTTP 401 (wrong extension or "
                + "SIP password?)"));
        signInAs1001();

        // (a) The browser calls the desk phone, which answers by itself.
        callTheDeskPhone();
        CallRecord outgoing = talking("sip:1001@localhost", "caller", "callee");
        browser.findElement(By.id("hangup")).click();
        waitFor("call-state", text -> text.equals("none"));
        assertEquals("caller-hung-up", awaitEnded(outgoing.id()).cause().code());

        // (b) The desk phone calls the browser, whose user answers.
        desk.command("/dial sip:1001@localhost");
        waitFor("call-state", text -> text.equals("incoming call from sip:1002@localhost"));
        browser.findElement(By.id("answer")).click();
        waitFor("call-state", text -> text.equals("in call"));
        CallRecord incoming = talking("sip:1002@localhost", "callee", "caller");
        browser.findElement(By.id("hangup")).click();
        waitFor("call-state", text -> text.equals("none"));
        assertEquals("callee-hung-up", awaitEnded(incoming.id()).cause().code());
        assertEquals("none", text("error"), "no error on the page");
    }

    /**
     * The browser's UDP to the relay is dropped by the firewall ({@link UdpDrop}): the page, gathering
     * every kind of candidate as usual, finds its direct pairs to the relay dead and falls back to its
     * TURN candidate through the loopback coturn over TCP (with the credentials {@code /phone/turn}
     * issued), and the hub latches the browser's leg on coturn's relayed address.
     */
    @Test
    void theBrowserFallsBackToCoturnOverTcpWhenItsUdpToTheRelayIsBlocked() throws Exception {
        browser.quit();
        browser = Chromium.startInGroup(hub, dir.resolve("blocked-chromium-profile"), BLOCKED_BROWSER_GROUP,
                BROWSER_FLAGS);
        wait = new WebDriverWait(browser, WAIT);
        browser.get("https://localhost:" + hub.webPort() + "/phone/");
        signInAs1001();

        callTheDeskPhone();
        CallRecord call = talking("sip:1001@localhost", "caller", "callee");
        assertEquals("relay over tcp", browser.findElement(By.id("quality")).getAttribute("data-path"), text("quality"));
        String latched = String.valueOf(call.media().get("caller").get("latched"));
        int port = Integer.parseInt(latched.substring(latched.lastIndexOf(':') + 1));
        assertTrue(latched.startsWith("/127.0.0.1:") && port >= Coturn.MIN_RELAY_PORT && port <= Coturn.MAX_RELAY_PORT,
                "the browser's leg comes from coturn's relayed address: " + latched + "\n" + coturn.log());
        // The browser did try the relay directly (its host candidates' checks), and the rule dropped them.
        assertTrue(udpDrop.dropped() > 0, "the browser's direct UDP to the relay was tried and dropped: "
                + udpDrop.listing());
        browser.findElement(By.id("hangup")).click();
        assertEquals("caller-hung-up", awaitEnded(call.id()).cause().code());
    }

    /**
     * Waits until the page has received and sent {@link #PACKETS} packets, then checks the hub's
     * record of the call: the browser's leg DTLS-SRTP, the desk phone's SDES, each with media in and out.
     */
    private CallRecord talking(String caller, String browserLeg, String deskLeg) throws Exception {
        wait.withMessage(() -> "the page's figures: " + text("quality") + mediaSeen() + logs()).until(driver -> {
            String received = driver.findElement(By.id("quality")).getAttribute("data-received");
            String sent = driver.findElement(By.id("quality")).getAttribute("data-sent");
            return received != null && Long.parseLong(received) >= PACKETS && Long.parseLong(sent) >= PACKETS;
        });
        CallRecord call = hub.sip().calls().active().stream().filter(c -> c.caller().equals(caller)).findFirst()
                .orElseThrow(() -> new AssertionError("no active call from " + caller + ": "
                        + hub.sip().calls().recent()));
        Map<String, Object> browserMedia = call.media().get(browserLeg);
        Map<String, Object> deskMedia = call.media().get(deskLeg);
        assertEquals("DTLS-SRTP", browserMedia.get("kind"), browserMedia.toString());
        assertEquals("SDES", deskMedia.get("kind"), deskMedia.toString());
        for (Map<String, Object> media : new Map[] {browserMedia, deskMedia}) {
            assertTrue(((Number) media.get("packetsReceived")).longValue() > 0, "media in: " + media);
            assertTrue(((Number) media.get("packetsSent")).longValue() > 0, "media out: " + media);
            assertEquals(0L, ((Number) media.get("authFailures")).longValue(), media.toString());
        }
        return call;
    }

    /** Signs the page in as 1001 and waits until it and the desk phone 1002 are registered. */
    private void signInAs1001() throws Exception {
        signIn("1001", password("00809f000101"));
        waitFor("state", text -> text.equals("registered as 1001@localhost"));
        awaitRegistered("sip:1002@localhost");
    }

    /** Dials the desk phone 1002 from the page, which answers by itself, and waits for the call. */
    private void callTheDeskPhone() {
        browser.findElement(By.id("target")).sendKeys("1002");
        browser.findElement(By.id("call")).click();
        waitFor("call-state", text -> text.equals("in call"));
    }

    private void signIn(String extension, String password) {
        browser.findElement(By.id("extension")).clear();
        browser.findElement(By.id("extension")).sendKeys(extension);
        browser.findElement(By.id("password")).clear();
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("register")).click();
    }

    private void waitFor(String id, java.util.function.Predicate<String> expected) {
        wait.withMessage(() -> id + ": '" + text(id) + "'; error: '" + text("error") + "'" + logs())
                .until(driver -> expected.test(text(id)));
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private void awaitRegistered(String aor) throws Exception {
        for (int i = 0; i < 300 && hub.sip().location().bindings(aor).stream().noneMatch(b -> b.hasFlow()); i++) {
            Thread.sleep(100);
        }
        assertTrue(hub.sip().location().bindings(aor).stream().anyMatch(b -> b.hasFlow()), aor + " registered" + logs());
    }

    private CallRecord awaitEnded(String id) throws Exception {
        for (int i = 0; i < 300; i++) {
            Optional<CallRecord> ended = hub.sip().calls().recent().stream().filter(c -> c.id().equals(id)).findFirst();
            if (ended.isPresent()) {
                return ended.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the call " + id + " did not end" + logs());
    }

    private void enroll(String mac, String extension, String name) {
        hub.provisioning().enrollment().enroll("default", new DeviceDraft(mac, "Myriad M7", extension, name, null,
                null, null, null), "test", "127.0.0.1");
    }

    private String password(String mac) {
        return hub.provisioning().enrollment().find("default", MacAddress.parse(mac)).sipPassword();
    }

    /** What the hub's relay and the TURN server saw, for a call whose media did not flow. */
    private String mediaSeen() {
        return "\n--- the hub's active calls: " + hub.sip().calls().active().stream()
                .map(call -> call.caller() + " " + call.media()).toList() + "\n--- coturn:\n" + coturn.log();
    }

    private String logs() {
        try {
            // Without baresip's once-a-tick status line, which fills the log.
            return "\n--- baresip:\n" + Files.readString(dir.resolve("baresip-1002.log"))
                    .replaceAll("\\[\\d+:\\d\\d:\\d\\d\\] audio=\\d+/\\d+ \\(bit/s\\)\\s*", "");
        } catch (java.io.IOException e) {
            return "\n(no baresip log)";
        }
    }
}
