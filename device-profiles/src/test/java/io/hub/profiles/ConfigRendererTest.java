package io.hub.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ConfigRendererTest {

    private static final ConfigRenderer RENDERER = new ConfigRenderer(PhoneCatalogue.builtIn());
    private static final Map<String, String> GLOBAL = Map.of("sip.registrar.host", "eu1.hub.example.test",
            "sip.domain", "hub.example.test", "firmware.url", "https://hub.example.test:8443/prov/v1/firmware/x/1");

    @Test
    void theDocumentKeepsEveryPlaceOfTheContract() throws Exception {
        Document document = parse(render("Myriad M7", Map.of(), Map.of("sip.account.user", "1001",
                "sip.account.password", "s3cret", "sip.account.displayName", "Reception", "firmware.version", "2.1.0")));

        assertEquals("00809faabbcc", xpath(document, "/deviceConfig/@mac"));
        assertEquals("eu1.hub.example.test", xpath(document, "/deviceConfig/sip/registrar/@host"));
        assertEquals("5061", xpath(document, "/deviceConfig/sip/registrar/@port"));
        assertEquals("tls", xpath(document, "/deviceConfig/sip/registrar/@transport"));
        assertEquals("", xpath(document, "/deviceConfig/sip/fallbackRegistrar/@host"), "no second entry point set");
        assertEquals("1001", xpath(document, "/deviceConfig/sip/account/@user"));
        assertEquals("1001", xpath(document, "/deviceConfig/sip/account/@authUser"), "authUser defaults to user");
        assertEquals("s3cret", xpath(document, "/deviceConfig/sip/account/@password"));
        assertEquals("hub.example.test", xpath(document, "/deviceConfig/sip/account/@domain"));
        assertEquals("Reception", xpath(document, "/deviceConfig/sip/account/@displayName"));
        assertEquals("30", xpath(document, "/deviceConfig/sip/keepalive/@interval"));
        assertEquals("600", xpath(document, "/deviceConfig/sip/registration/@expires"));
        assertEquals("mandatory", xpath(document, "/deviceConfig/media/@srtp"));
        assertEquals("30000", xpath(document, "/deviceConfig/media/@portMin"));
        assertEquals("40000", xpath(document, "/deviceConfig/media/@portMax"));
        assertEquals("pool.ntp.org", xpath(document, "/deviceConfig/ntp/@server"));
        assertEquals("2.1.0", xpath(document, "/deviceConfig/firmware/@version"));
        assertEquals("https://hub.example.test:8443/prov/v1/firmware/x/1", xpath(document, "/deviceConfig/firmware/@url"));
        assertEquals("UTC", xpath(document, "/deviceConfig/locale/@timezone"));
        assertEquals("6", xpath(document, "/deviceConfig/device/@lines"));
    }

    @Test
    void aSiteNamesASecondEntryPointOfItsRegion() throws Exception {
        Document document = parse(render("Myriad M7", Map.of("sip.registrar.fallback.host", "eu1-b.hub.example.test",
                "sip.registrar.fallback.port", "5071"), Map.of()));

        assertEquals("eu1.hub.example.test", xpath(document, "/deviceConfig/sip/registrar/@host"));
        assertEquals("eu1-b.hub.example.test", xpath(document, "/deviceConfig/sip/fallbackRegistrar/@host"));
        assertEquals("5071", xpath(document, "/deviceConfig/sip/fallbackRegistrar/@port"));
        assertEquals("tls", xpath(document, "/deviceConfig/sip/fallbackRegistrar/@transport"));
        assertEquals("site layer: sip.registrar.fallback.port '0' is not valid: expected a number from 1 to 65535",
                assertThrows(IllegalArgumentException.class, () -> render("Myriad M7",
                        Map.of("sip.registrar.fallback.port", "0"), Map.of())).getMessage());
    }

    @Test
    void layersApplyFromGlobalToSiteToModelToDevice() throws Exception {
        Map<String, String> global = new HashMap<>(GLOBAL);
        global.put("locale.language", "fr");
        global.put("provisioning.resyncInterval", "7200");
        global.put("ntp.server", "ntp.global.test");
        Map<String, String> site = Map.of("locale.language", "de", "provisioning.resyncInterval", "3600",
                "ntp.server", "ntp.site.test");
        Map<String, String> device = Map.of("ntp.server", "ntp.device.test");

        Document document = parse(RENDERER.render(new ConfigRequest("00809faabbcc", "Myriad M5", global, site, device)));

        assertEquals("de", xpath(document, "/deviceConfig/locale/@language"), "site over global");
        assertEquals("43200", xpath(document, "/deviceConfig/provisioning/@resyncInterval"),
                "the Myriad file over the site");
        assertEquals("ntp.device.test", xpath(document, "/deviceConfig/ntp/@server"), "device over all");
    }

    @Test
    void anEqualRequestReusesTheRenderedDocumentAndAChangedLayerDoesNot() {
        RenderedConfig first = render("Myriad M7", Map.of(), Map.of("sip.account.user", "1001"));
        RenderedConfig again = render("Myriad M7", new HashMap<>(), new HashMap<>(Map.of("sip.account.user", "1001")));
        RenderedConfig changed = render("Myriad M7", Map.of(), Map.of("sip.account.user", "1002"));

        assertSame(first, again, "the same layers, by value, are rendered once");
        assertNotEquals(first.etag(), changed.etag());
        assertTrue(new String(changed.document(), java.nio.charset.StandardCharsets.UTF_8).contains("1002"));
    }

    @Test
    void xmlSpecialCharactersRoundTrip() throws Exception {
        String name = "</x><y> \"Bob\" & 'Alice' \t<!-- ]]>";

        Document document = parse(render("Myriad M3", Map.of(), Map.of("sip.account.displayName", name,
                "sip.account.password", "p&<>\"'w")));

        assertEquals(name, xpath(document, "/deviceConfig/sip/account/@displayName"));
        assertEquals("p&<>\"'w", xpath(document, "/deviceConfig/sip/account/@password"));
    }

    @Test
    void aCharacterXmlCannotCarryIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> render("Myriad M3", Map.of(), Map.of("sip.account.displayName", "bell\u0007")));

        assertEquals("device layer: sip.account.displayName holds character U+0007, which XML cannot carry",
                e.getMessage());
    }

    @Test
    void aMacXmlCannotCarryIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RENDERER.render(
                new ConfigRequest("00809faa\u0000bcc", "Myriad M3", GLOBAL, Map.of(), Map.of())));

        assertEquals("mac holds character U+0000, which XML cannot carry", e.getMessage());
    }

    @Test
    void unknownSettingsAndBadValuesAreRefusedWithTheirLayer() {
        assertEquals("site layer: unknown setting 'sip.keepAlive'", assertThrows(IllegalArgumentException.class,
                () -> render("Myriad M3", Map.of("sip.keepAlive", "30"), Map.of())).getMessage());
        assertEquals("device layer: media.srtp 'none' is not valid: expected one of mandatory, optional, off",
                assertThrows(IllegalArgumentException.class,
                        () -> render("Myriad M3", Map.of(), Map.of("media.srtp", "none"))).getMessage());
        assertEquals("site layer: sip.registrar.port '99999' is not valid: expected a number from 1 to 65535",
                assertThrows(IllegalArgumentException.class,
                        () -> render("Myriad M3", Map.of("sip.registrar.port", "99999"), Map.of())).getMessage());
    }

    @Test
    void anUnknownModelNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> render("Myriad M9", Map.of(), Map.of()));

        assertEquals("unknown model 'Myriad M9'; known: Halo H3P, Halo H6P, Myriad M3, Myriad M5, Myriad M7, Myriad M8",
                e.getMessage());
    }

    @Test
    void aHaloReplacesOnlyTheDeviceBlockOfTheBase() throws Exception {
        Document document = parse(render("Halo H6P", Map.of(), Map.of()));

        assertEquals("colour", xpath(document, "/deviceConfig/device/display/@type"));
        assertEquals("12", xpath(document, "/deviceConfig/device/@keys"));
        assertEquals("tls", xpath(document, "/deviceConfig/sip/registrar/@transport"), "the rest is the base");
    }

    @Test
    void theEntityTagFollowsTheContent() {
        RenderedConfig first = render("Myriad M8", Map.of(), Map.of("sip.account.user", "1001"));
        RenderedConfig same = render("Myriad M8", Map.of(), Map.of("sip.account.user", "1001"));
        RenderedConfig changed = render("Myriad M8", Map.of(), Map.of("sip.account.user", "1002"));

        assertEquals(first.etag(), same.etag());
        assertNotEquals(first.etag(), changed.etag());
        assertEquals(34, first.etag().length());
    }

    @Test
    void withoutARegistrarThereIsNothingToRender() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RENDERER.render(new ConfigRequest("00809faabbcc", "M7", Map.of(), Map.of(), Map.of())));

        assertEquals("sip.registrar.host is not set in any layer", e.getMessage());
    }

    @Test
    void noModelsConfigurationNorAnySettingTellsAPhoneToReboot() {
        // A phone restarts only when a check-sync NOTIFY says reboot=true: no key of any layer can ask it to.
        assertTrue(Setting.keys().stream().noneMatch(key -> key.toLowerCase(java.util.Locale.ROOT).contains("reboot")),
                Setting.keys().toString());
        for (PhoneModel model : PhoneCatalogue.builtIn().models()) {
            String document = new String(render(model.name(), Map.of(), Map.of()).document(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(!document.toLowerCase(java.util.Locale.ROOT).contains("reboot")
                    && !document.toLowerCase(java.util.Locale.ROOT).contains("restart"), model.name() + ":\n" + document);
        }
    }

    private static RenderedConfig render(String model, Map<String, String> site, Map<String, String> device) {
        return RENDERER.render(new ConfigRequest("00809faabbcc", model, GLOBAL, site, device));
    }

    static Document parse(RenderedConfig config) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(config.document()));
    }

    static String xpath(Document document, String expression) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(expression, document);
    }
}
