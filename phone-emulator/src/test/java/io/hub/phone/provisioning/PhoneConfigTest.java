package io.hub.phone.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PhoneConfigTest {

    /** A document as the hub's ALE SIP template renders it. */
    private static final String CONFIG = """
            <?xml version="1.0" encoding="UTF-8"?>
            <deviceConfig mac="00809faabbcc" model="Myriad M7">
              <sip domain="hub.example.com">
                <registrar host="sip-eu1.example.com" port="5061" transport="tls"/>
                <fallbackRegistrar host="" port="5061" transport="tls"/>
                <account user="1001" authUser="" password="s3cr&amp;t&lt;" domain="hub.example.com" displayName="&lt;/x&gt;&lt;y&gt;"/>
                <keepalive interval="30" type="crlf"/>
                <registration expires="600"/>
                <outbound enabled="true"/>
              </sip>
              <media srtp="mandatory" portMin="30000" portMax="40000"/>
              <ntp server="pool.ntp.org"/>
              <firmware version="2.1.0" url="https://hub:8443/prov/v1/firmware/Myriad%20M7/2.1.0"/>
              <locale timezone="UTC" language="en"/>
            </deviceConfig>
            """;

    private static PhoneConfig parse(String text) {
        return PhoneConfig.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEverythingAPhoneNeedsToRegister() {
        PhoneConfig config = parse(CONFIG);
        assertEquals("sip-eu1.example.com", config.registrarHost());
        assertEquals(5061, config.registrarPort());
        assertEquals("hub.example.com", config.domain());
        assertEquals("1001", config.user());
        assertEquals("1001", config.authUser(), "a blank authUser means the user");
        assertEquals("s3cr&t<", config.password(), "escaped values come back as they were");
        assertEquals("</x><y>", config.displayName());
        assertEquals(30, config.keepaliveSeconds());
        assertEquals(600, config.registrationExpires());
        assertEquals(30000, config.mediaPortMin());
        assertEquals(40000, config.mediaPortMax());
        assertEquals(Optional.of("2.1.0"), config.firmwareVersion());
        assertTrue(config.firmwareUrl().orElseThrow().endsWith("/2.1.0"));
        assertEquals(Optional.empty(), config.fallback(), "an empty fallback host is none");
    }

    @Test
    void readsTheRegionsSecondEntryPoint() {
        PhoneConfig config = parse(CONFIG.replace("<fallbackRegistrar host=\"\" port=\"5061\"",
                "<fallbackRegistrar host=\"sip-eu1-b.example.com\" port=\"5071\""));

        assertEquals(Optional.of(new PhoneConfig.Registrar("sip-eu1-b.example.com", 5071)), config.fallback());
        assertEquals("/deviceConfig/sip/fallbackRegistrar/@port is 0, not from 1 to 65535",
                assertThrows(IllegalArgumentException.class, () -> parse(CONFIG.replace(
                        "<fallbackRegistrar host=\"\" port=\"5061\"",
                        "<fallbackRegistrar host=\"b.example.com\" port=\"0\""))).getMessage());
    }

    @Test
    void blankFirmwareMeansNoTarget() {
        PhoneConfig config = parse(CONFIG.replace("version=\"2.1.0\" url=\"https://hub:8443/prov/v1/firmware/Myriad%20M7/2.1.0\"",
                "version=\"\" url=\"\""));
        assertEquals(Optional.empty(), config.firmwareVersion());
    }

    @Test
    void refusesWhatAPhoneCannotRegisterWith() {
        assertEquals("the configuration has nothing at /deviceConfig/sip/account/@password",
                assertThrows(IllegalArgumentException.class, () -> parse(CONFIG.replace("password=\"s3cr&amp;t&lt;\"",
                        "password=\"\""))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(CONFIG.replace("transport=\"tls\"",
                "transport=\"udp\""))).getMessage().contains("over udp"));
        assertEquals("/deviceConfig/sip/registrar/@port is not a number: 50x",
                assertThrows(IllegalArgumentException.class, () -> parse(CONFIG.replace("port=\"5061\"",
                        "port=\"50x\""))).getMessage());
        assertEquals("/deviceConfig/sip/keepalive/@interval is 0, not from 1 to 86400",
                assertThrows(IllegalArgumentException.class, () -> parse(CONFIG.replace("interval=\"30\"",
                        "interval=\"0\""))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("<discovery/>")).getMessage()
                .contains("not <deviceConfig>"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("<deviceConfig")).getMessage()
                .startsWith("the configuration is not well-formed XML"));
    }

    @Test
    void refusesDocumentTypesSoNoEntityIsEverExpanded() {
        String hostile = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<deviceConfig mac=\"&x;\"/>";
        assertThrows(IllegalArgumentException.class, () -> parse(hostile));
    }

    @Test
    void readsDiscoveryAndTheHubsErrorReason() {
        Discovery discovery = Discovery.parse(("<?xml version='1.0'?><discovery mac=\"00809faabbcc\" model=\"Myriad M7\" "
                + "state=\"ready\"><config url=\"https://h:8443/prov/v1/config/00809faabbcc.xml\"/>"
                + "<sip host=\"h\" port=\"5061\" transport=\"tls\" region=\"eu1\"/>"
                + "<firmware version=\"2.1.0\" url=\"https://h/f\" sha256=\"ab\" size=\"10\"/></discovery>")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("ready", discovery.state());
        assertEquals(5061, discovery.sipPort());
        assertEquals(10, discovery.firmware().orElseThrow().size());
        assertEquals(Optional.of("ab"), discovery.firmware().orElseThrow().sha256());
        assertEquals(Optional.of("revoked"), Discovery.errorReason("<error reason=\"revoked\">gone</error>"
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), Discovery.errorReason("not xml".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> Discovery.parse("<discovery mac=\"x\"/>"
                .getBytes(StandardCharsets.UTF_8)), "no SIP entry point");
    }
}
