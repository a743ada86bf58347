package io.hub.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.parser.StringMsgParser;
import java.net.InetSocketAddress;
import javax.sip.address.URI;
import org.junit.jupiter.api.Test;

class RequestUrisTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5061);
    private static final InetSocketAddress LOCAL_V6 = new InetSocketAddress("::1", 5061);

    @Test
    void theRequestUriWrittenAnyEquivalentWayDesignatesTheRegistrar() throws Exception {
        URI requestUri = uri("sip:hub.example;transport=tls");

        assertTrue(RequestUris.designatesRegistrar("sip:HUB.example;transport=tls", requestUri, LOCAL));
        assertFalse(RequestUris.designatesRegistrar("sip:other.example;transport=tls", requestUri, LOCAL));
    }

    @Test
    void theAddressAndPortTheRequestArrivedOnDesignateTheRegistrar() throws Exception {
        URI requestUri = uri("sip:hub.example");

        assertTrue(RequestUris.designatesRegistrar("sip:127.0.0.1:5061", requestUri, LOCAL));
        assertTrue(RequestUris.designatesRegistrar("sip:[::1]:5061", requestUri, LOCAL_V6));
        assertTrue(RequestUris.designatesRegistrar("sip:[0:0:0:0:0:0:0:1]:5061", requestUri, LOCAL_V6));
    }

    @Test
    void anotherAddressPortOrAUserPartDoesNot() throws Exception {
        URI requestUri = uri("sip:hub.example");

        assertFalse(RequestUris.designatesRegistrar("sip:127.0.0.1:5062", requestUri, LOCAL), "another port");
        assertFalse(RequestUris.designatesRegistrar("sip:127.0.0.1", requestUri, LOCAL), "no port is not 5061");
        assertFalse(RequestUris.designatesRegistrar("sip:127.0.0.2:5061", requestUri, LOCAL), "another address");
        assertFalse(RequestUris.designatesRegistrar("sip:1001@127.0.0.1:5061", requestUri, LOCAL), "a user's URI");
        assertFalse(RequestUris.designatesRegistrar("sip:localhost:5061", requestUri, LOCAL),
                "a name is never looked up");
    }

    @Test
    void missingOrUnparsableUrisDoNot() throws Exception {
        URI requestUri = uri("sip:hub.example");

        assertFalse(RequestUris.designatesRegistrar(null, requestUri, LOCAL));
        assertFalse(RequestUris.designatesRegistrar("sip:hub.example", null, LOCAL));
        assertFalse(RequestUris.designatesRegistrar("not a uri <>", requestUri, LOCAL));
        assertFalse(RequestUris.designatesRegistrar("sip:127.0.0.1:5061", requestUri, null));
    }

    private static URI uri(String text) throws Exception {
        return new StringMsgParser().parseUrl(text);
    }
}
