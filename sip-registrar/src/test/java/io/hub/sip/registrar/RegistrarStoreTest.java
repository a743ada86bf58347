package io.hub.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doNothing;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.hub.phone.sip.DigestAnswer;
import io.hub.pki.DeviceValidation;
import io.hub.pki.RefusalCause;
import io.hub.sip.location.AorBindings;
import io.hub.sip.location.Binding;
import io.hub.sip.location.BindingStore;
import io.hub.sip.location.LocationService;
import io.hub.sip.transport.Flow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * The registrar against a mocked binding store: what the store is asked to keep, and what a phone
 * is answered when the store fails. The digest, the location service and the REGISTER parsing are
 * the real ones; the phone's connection is a mock that keeps the answers.
 */
class RegistrarStoreTest {

    private static final String AOR = "sip:1001@hub.test";
    private static final String CONTACT = "<sip:1001@10.0.0.5:5061;transport=tls>";

    private final Clock clock = Clock.systemUTC();
    private final BindingStore store = mock(BindingStore.class);
    private final CredentialSource accounts = mock(CredentialSource.class);
    private final Flow flow = mock(Flow.class);
    private final DigestAuthenticator digest = new DigestAuthenticator(clock);
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private LocationService location;
    private Registrar registrar;
    private int cseq;

    @BeforeEach
    void registrarOverAMockedStore() {
        when(store.load()).thenReturn(List.of());
        when(accounts.lookup("1001", "hub.test")).thenReturn(Optional.of(DigestAuthenticator.credentials("1001",
                "hub.test", "secret", Optional.empty(), true)));
        when(flow.id()).thenReturn(7L);
        when(flow.remote()).thenReturn(new InetSocketAddress("10.0.0.5", 5061));
        when(flow.local()).thenReturn(new InetSocketAddress("127.0.0.1", 5061));
        when(flow.transport()).thenReturn("TLS");
        when(flow.isOpen()).thenReturn(true);
        when(flow.send(anyString())).thenReturn(true);
        when(flow.certificate(any(), any(), any())).thenReturn(new DeviceValidation(Optional.empty(),
                Optional.of(RefusalCause.NO_CERTIFICATE), "no certificate", ""));
        location = new LocationService(store, clock);
        registrar = new Registrar(accounts, digest, location, RegistrarSettings.standard(), clock, metrics);
    }

    @AfterEach
    void stop() {
        location.close();
    }

    @Test
    void anAcceptedRegisterIsStoredBeforeItIsAnswered() throws Exception {
        SIPResponse answer = register(3600);

        assertEquals(200, answer.getStatusCode());
        ArgumentCaptor<List<AorBindings>> stored = listCaptor();
        verify(store).replaceAll(stored.capture());
        AorBindings change = stored.getValue().get(0);
        assertEquals(AOR, change.aor());
        assertEquals(CONTACT, change.bindings().get(0).contact());
        assertEquals(change.bindings(), registrar.bindings(AOR));
    }

    @Test
    void aStoreThatFailsGives503WithRetryAfterAndTheBindingHeldStays() throws Exception {
        assertEquals(200, register(3600).getStatusCode());
        List<Binding> held = registrar.bindings(AOR);
        doThrow(new IllegalStateException("database down")).when(store).replaceAll(anyList());

        SIPResponse refused = register(0);

        assertEquals(503, refused.getStatusCode());
        assertNotNull(refused.getHeader("Retry-After"), refused.toString());
        assertEquals("399 hub \"store-unavailable\"", refused.getHeader("Warning").toString()
                .replaceFirst("^Warning:\\s*", "").strip());
        assertEquals(held, registrar.bindings(AOR), "the unregister did not happen: the binding held stays");
        assertEquals(1.0, metrics.counter("hub.sip.register", "outcome", "store-unavailable").count());
    }

    @Test
    void onceTheStoreAnswersAgainTheNextRegisterIsStoredAndApplied() throws Exception {
        assertEquals(200, register(3600).getStatusCode());
        doThrow(new IllegalStateException("database down")).when(store).replaceAll(anyList());
        assertEquals(503, register(0).getStatusCode());
        doNothing().when(store).replaceAll(anyList());

        assertEquals(200, register(0).getStatusCode());

        assertEquals(List.of(), registrar.bindings(AOR));
        ArgumentCaptor<List<AorBindings>> stored = listCaptor();
        verify(store, atLeastOnce()).replaceAll(stored.capture());
        assertEquals(new AorBindings(AOR, List.of()), stored.getValue().get(0));
    }

    /** A digest-answered REGISTER of {@link #CONTACT} for {@code expires} seconds, and the registrar's answer. */
    private SIPResponse register(int expires) throws Exception {
        cseq++;
        DigestAnswer.Challenge challenge = new DigestAnswer.Challenge(DigestAnswer.parse(
                digest.challenges("hub.test", false, true).get(0)), "MD5");
        String authorization = DigestAnswer.authorization(challenge, "REGISTER", "sip:hub.test", "1001", "secret", 1,
                "c" + cseq);
        String text = "REGISTER sip:hub.test SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 10.0.0.5:5061;branch=z9hG4bKstore" + cseq + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + AOR + ">;tag=phone\r\n"
                + "To: <" + AOR + ">\r\n"
                + "Call-ID: store-test\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + "Contact: " + CONTACT + ";expires=" + expires + "\r\n"
                + "Authorization: " + authorization + "\r\n"
                + "Content-Length: 0\r\n\r\n";
        registrar.register((SIPRequest) new StringMsgParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8),
                true, false, null), flow);
        ArgumentCaptor<String> sent = ArgumentCaptor.forClass(String.class);
        verify(flow, atLeastOnce()).send(sent.capture());
        String last = sent.getAllValues().get(sent.getAllValues().size() - 1);
        return (SIPResponse) new StringMsgParser().parseSIPMessage(last.getBytes(StandardCharsets.UTF_8), true, false,
                null);
    }

    @SuppressWarnings("unchecked")
    private static ArgumentCaptor<List<AorBindings>> listCaptor() {
        return ArgumentCaptor.forClass((Class<List<AorBindings>>) (Class<?>) List.class);
    }
}
