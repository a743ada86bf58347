package io.hub.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;

/**
 * Settings as an admin (or a device record) may hold them, rendered into the configuration XML a
 * phone fetches: a value is refused by its check (IllegalArgumentException) or comes out of the
 * document as it went in; the document is always well-formed.
 */
class ConfigRendererFuzzTest {

    private static final ConfigRenderer RENDERER = new ConfigRenderer(PhoneCatalogue.builtIn());
    private static final List<String> MODELS = RENDERER.catalogue().models().stream().map(PhoneModel::name).toList();
    private static final String[] KEYS = Setting.keys().toArray(String[]::new);

    @FuzzTest(maxDuration = "10m")
    void anySettingIsRefusedByItsCheckOrRenderedIntoWellFormedXmlThatKeepsIt(FuzzedDataProvider data)
            throws Exception {
        String model = data.pickValue(MODELS);
        String displayName = data.consumeString(200);
        Map<String, String> device = new HashMap<>();
        device.put("sip.account.displayName", displayName);
        int more = data.consumeInt(0, 4);
        for (int i = 0; i < more; i++) {
            device.put(data.pickValue(KEYS), data.consumeString(100));
        }
        device.put("sip.account.displayName", displayName);
        Map<String, String> global = new HashMap<>(Map.of("sip.registrar.host", "eu1.hub.example.test"));

        RenderedConfig rendered;
        try {
            rendered = RENDERER.render(new ConfigRequest("00809faabbcc", model, global, Map.of(), device));
        } catch (IllegalArgumentException refused) {
            return;
        }

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(rendered.document()));
        assertEquals(displayName, XPathFactory.newInstance().newXPath().evaluate(
                "/deviceConfig/sip/account/@displayName", document), "the value comes out as it went in");
    }
}
