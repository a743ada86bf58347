package io.hub.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhoneCatalogueTest {

    @Test
    void theRainbowHubPhonesAreBuiltIn() {
        PhoneCatalogue catalogue = PhoneCatalogue.builtIn();

        assertEquals(java.util.List.of("Halo H3P", "Halo H6P", "Myriad M3", "Myriad M5", "Myriad M7", "Myriad M8"),
                catalogue.models().stream().map(PhoneModel::name).toList());
        PhoneModel m7 = catalogue.require("Myriad M7");
        assertEquals("Myriad", m7.family());
        assertEquals("ALE International", m7.vendor());
        assertEquals("myriad", m7.firmwareTrack());
        assertEquals("cn", m7.macRule());
        assertEquals("ale-sip", m7.template());
        assertEquals("ale-halo", catalogue.require("Halo H3P").template());
    }

    @Test
    void namesMatchWithoutCaseSpacesOrDashesAndByAlias() {
        PhoneCatalogue catalogue = PhoneCatalogue.builtIn();

        for (String name : new String[] {"Myriad M7", "myriad m7", "MYRIAD-M7", "M7", "ALE Myriad M7", "myriad_m7"}) {
            assertEquals("Myriad M7", catalogue.find(name).orElseThrow().name(), name);
        }
        assertTrue(catalogue.find("Myriad M9").isEmpty());
        assertTrue(catalogue.find(null).isEmpty());
    }

    @Test
    void addingAModelIsAddingAFile(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("lab.xml"), """
                <family name="Lab" vendor="Lab Phones" macRule="serial" template="ale-sip">
                  <model name="Lab L1" lines="1" keys="2"><alias>L1</alias></model>
                </family>
                """);

        PhoneCatalogue catalogue = PhoneCatalogue.builtInPlus(directory);

        PhoneModel lab = catalogue.require("l1");
        assertEquals("Lab L1", lab.name());
        assertEquals("serial", lab.macRule());
        assertEquals("lab", lab.firmwareTrack());
        assertEquals(7, catalogue.models().size());
        new ConfigRenderer(catalogue).render(new ConfigRequest("00809faabbcc", "Lab L1",
                Map.of("sip.registrar.host", "hub.test"), Map.of(), Map.of()));
    }

    @Test
    void aFileWithAClashingAliasIsRefused() {
        CatalogueException e = assertThrows(CatalogueException.class, () -> PhoneCatalogue.of(Map.of("clash.xml",
                xml("<family name='X' template='ale-sip'><model name='X1'><alias>M7</alias></model>"
                        + "<model name='X2'><alias>m-7</alias></model></family>"))));

        assertEquals("model name or alias 'm-7' of X2 is already used by X1", e.getMessage());
    }

    @Test
    void aFileWithAnUnknownSettingOrNoTemplateIsRefused() {
        assertEquals("bad.xml model X1: unknown setting 'sip.keepalive'", assertThrows(CatalogueException.class,
                () -> PhoneCatalogue.of(Map.of("bad.xml", xml("<family name='X' template='ale-sip'><model name='X1'>"
                        + "<defaults><setting key='sip.keepalive' value='3'/></defaults></model></family>")))).getMessage());
        assertEquals("none.xml: missing template of X1", assertThrows(CatalogueException.class,
                () -> PhoneCatalogue.of(Map.of("none.xml", xml("<family name='X'><model name='X1'/></family>"))))
                .getMessage());
    }

    @Test
    void aTemplateThatReplacesAMissingBlockOrUsesAnUnknownPlaceholderIsRefused() {
        PhoneCatalogue unknownBase = PhoneCatalogue.of(Map.of("x.xml",
                xml("<family name='X' template='no-such-template'><model name='X1'/></family>")));

        CatalogueException e = assertThrows(CatalogueException.class, () -> new ConfigRenderer(unknownBase));

        assertTrue(e.getMessage().startsWith("template no-such-template does not exist"), e.getMessage());
    }

    private static InputStream xml(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
