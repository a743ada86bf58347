package io.hub.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.hub.relay.MediaRelay;
import io.hub.relay.RelayConfig;
import io.hub.sip.location.Binding;
import io.hub.sip.location.BindingStore;
import io.hub.sip.location.LocationService;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.registrar.SipCredentials;
import io.hub.sip.transport.Flow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * A call against mocked timers and transport: the phones' flows are mocks that keep what the hub
 * sends, and the timers are a mock whose tasks the test runs itself, so a timeout is a task run, not
 * a wait. The media relay and the location service are the real ones, on loopback.
 */
class CallTimeoutsTest {

    private static final CallSettings SETTINGS = CallSettings.standard();

    private final Clock clock = Clock.systemUTC();
    private final CallTimers timers = mock(CallTimers.class);
    private final CallRecords records = mock(CallRecords.class);
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final CredentialSource accounts = mock(CredentialSource.class);
    private final Flow caller = flow(1, "10.0.0.1");
    private final Flow callee = flow(2, "10.0.0.2");
    private LocationService location;
    private MediaRelay relay;
    private CallRouter router;

    @BeforeEach
    void twoRegisteredPhones() throws Exception {
        when(timers.schedule(any(Duration.class), any(Runnable.class))).thenReturn(mock(CallTimers.Timer.class));
        when(accounts.lookup(anyString(), eq("hub.test"))).thenAnswer(call -> Optional.of(new SipCredentials(
                call.getArgument(0), "hub.test", "ha1", "ha1", Optional.empty(), true)));
        location = new LocationService(BindingStore.NONE, clock);
        register("2001", caller);
        register("2002", callee);
        relay = new MediaRelay(new RelayConfig(InetAddress.getLoopbackAddress(), 30000, 44999, Duration.ofSeconds(60),
                8000), clock, new SimpleMeterRegistry(), event -> { });
        relay.start();
        router = new CallRouter(location, accounts, relay, SETTINGS, records, clock, metrics, timers);
    }

    @AfterEach
    void stop() {
        router.close();
        relay.close();
        location.close();
    }

    @Test
    void theRingTimerEndsAnUnansweredCallWith480ToTheCallerACancelToTheCalleeAndNoAnswerAsItsCause()
            throws Exception {
        int freePorts = relay.freePorts();
        router.request(invite(), caller);
        SIPRequest offered = parseRequest(lastSent(callee));
        router.response(answer(offered, 180, null), callee);
        assertTrue(lastSent(caller).startsWith("SIP/2.0 180 "), "the caller hears it ring");
        assertTrue(relay.freePorts() < freePorts, "the call holds relay ports");
        assertEquals(0, ended());

        runTheTaskScheduledAfter(SETTINGS.ringTimeout());

        assertTrue(lastSent(caller).startsWith("SIP/2.0 480 "), lastSent(caller));
        assertTrue(lastSent(callee).startsWith("CANCEL "), lastSent(callee));
        assertEquals(1, ended(EndCause.NO_ANSWER));
        assertEquals(List.of(), router.active());
        assertEquals(freePorts, relay.freePorts(), "the call's relay ports are free again");
    }

    @Test
    void theAckTimerEndsAnAnsweredCallThatTheCallerNeverAcknowledgesWithAByeToBothAndNoAckAsItsCause()
            throws Exception {
        router.request(invite(), caller);
        router.response(answer(parseRequest(lastSent(callee)), 200, sdp(40002)), callee);
        assertTrue(lastSent(caller).startsWith("SIP/2.0 200 "), "the caller hears the answer");

        runTheTaskScheduledAfter(SETTINGS.transactionTimeout());

        assertTrue(lastSent(caller).startsWith("BYE "), lastSent(caller));
        assertTrue(lastSent(callee).startsWith("BYE "), lastSent(callee));
        assertEquals(1, ended(EndCause.NO_ACK));
        assertEquals(1, ended(), "one call, ended once");
    }

    @Test
    void aTimerOfACallThatEndedBeforeItFiredChangesNothing() throws Exception {
        router.request(invite(), caller);
        ArgumentCaptor<Runnable> ring = ArgumentCaptor.forClass(Runnable.class);
        verify(timers).schedule(eq(SETTINGS.ringTimeout()), ring.capture());
        router.flowClosed(caller);
        assertEquals(1, ended(EndCause.PHONE_GONE));
        int sentToCallee = sent(callee).size();

        ring.getValue().run();

        assertEquals(1, ended(), "the call ended once, as its caller's flow closed");
        assertEquals(sentToCallee, sent(callee).size(), "nothing more goes to the callee");
    }

    private void runTheTaskScheduledAfter(Duration delay) {
        ArgumentCaptor<Runnable> task = ArgumentCaptor.forClass(Runnable.class);
        verify(timers, atLeastOnce()).schedule(eq(delay), task.capture());
        List<Runnable> tasks = task.getAllValues();
        tasks.get(tasks.size() - 1).run();
    }

    /** Calls ended for {@code cause}, as the router counts them when they end. */
    private long ended(EndCause cause) {
        return metrics.find("hub.calls.ended").tag("cause", cause.code()).counters().stream()
                .mapToLong(counter -> (long) counter.count()).sum();
    }

    private long ended() {
        return metrics.find("hub.calls.ended").counters().stream().mapToLong(counter -> (long) counter.count()).sum();
    }

    /** The callee's answer to {@code offered}: {@code status} with its To tag, Contact and {@code sdp} (or none). */
    private static SIPResponse answer(SIPRequest offered, int status, String sdp) throws Exception {
        gov.nist.javax.sip.header.HeaderFactoryImpl headers = new gov.nist.javax.sip.header.HeaderFactoryImpl();
        SIPResponse answer = offered.createResponse(status);
        answer.getTo().setTag("callee-tag");
        answer.setHeader(headers.createHeader("Contact", "<sip:2002@10.0.0.2:5061;transport=tls>"));
        if (sdp != null) {
            answer.setContent(sdp, headers.createContentTypeHeader("application", "sdp"));
        }
        return answer;
    }

    private void register(String user, Flow flow) {
        Instant now = clock.instant();
        location.replace("sip:" + user + "@hub.test", List.of(new Binding("sip:" + user + "@hub.test",
                "<sip:" + user + "@" + flow.remote().getAddress().getHostAddress() + ":5061;transport=tls>", null, null,
                "reg-" + user, 1, now.plusSeconds(3600), now, now, flow.id(), flow.remote().toString(), "TLS", null,
                null, null)));
        location.flowOpened(flow);
    }

    private static Flow flow(long id, String address) {
        Flow flow = mock(Flow.class);
        when(flow.id()).thenReturn(id);
        when(flow.remote()).thenReturn(new InetSocketAddress(address, 5061));
        when(flow.local()).thenReturn(new InetSocketAddress("127.0.0.1", 5061));
        when(flow.transport()).thenReturn("TLS");
        when(flow.isOpen()).thenReturn(true);
        when(flow.send(anyString())).thenReturn(true);
        return flow;
    }

    private static List<String> sent(Flow flow) {
        ArgumentCaptor<String> sent = ArgumentCaptor.forClass(String.class);
        verify(flow, atLeastOnce()).send(sent.capture());
        return new ArrayList<>(sent.getAllValues());
    }

    private static String lastSent(Flow flow) {
        List<String> sent = sent(flow);
        return sent.get(sent.size() - 1);
    }

    private static SIPRequest invite() throws Exception {
        String sdp = sdp(40000);
        return parseRequest("INVITE sip:2002@hub.test SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bKtimed\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:2001@hub.test>;tag=caller-tag\r\n"
                + "To: <sip:2002@hub.test>\r\n"
                + "Call-ID: timed-call\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:2001@10.0.0.1:5061;transport=tls>\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + sdp);
    }

    /** An SDES-SRTP audio offer or answer, with a fresh key. */
    private static String sdp(int port) {
        byte[] key = new byte[30];
        new SecureRandom().nextBytes(key);
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "a=sendrecv\r\n";
    }

    private static SIPRequest parseRequest(String text) throws Exception {
        return (SIPRequest) new StringMsgParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false,
                null);
    }
}
