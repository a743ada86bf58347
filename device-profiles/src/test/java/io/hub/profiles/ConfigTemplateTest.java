package io.hub.profiles;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

/**
 * A template is checked once, when it is read, to stay well-formed whatever escaped values fill its
 * placeholders; a render then needs no parse of its own.
 */
class ConfigTemplateTest {

    private static final Set<String> KEYS = Set.of("name", "user");

    @ParameterizedTest
    @ValueSource(strings = {
        "<a><!-- ${name} --></a>",
        "<${name}/>",
        "<a ${name}=\"1\"/>",
        "<a b=\"1\" ${name}/>",
        "<a b=${name}/>",
        "<a>&${name};</a>",
        "<?xml version=\"1.0\" encoding=\"${name}\"?><a/>",
        "<a></a>${name}",
    })
    void aPlaceholderWhereAValueCouldBreakTheDocumentIsRefusedWhenTheTemplateIsRead(String source) {
        CatalogueException refused = assertThrows(CatalogueException.class, () -> parse(source));

        assertTrue(refused.getMessage().startsWith("template probe is not well-formed with every placeholder set to "),
                refused.getMessage());
        assertTrue(refused.getMessage().endsWith("(a placeholder may stand only in text or in a quoted attribute value)"),
                refused.getMessage());
    }

    @Test
    void aTemplateThatIsNotWellFormedEvenEmptyIsRefused() {
        assertThrows(CatalogueException.class, () -> parse("<a><b></a>"));
    }

    @Test
    void valuesInTextAndQuotedAttributesComeOutAsTheyWentIn() throws Exception {
        ConfigTemplate template = parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<a single='${name}' double=\"${user}\"><t>${name}</t><![CDATA[${user}]]><?note ${name}?></a>");
        String hostile = ConfigTemplate.ANY_VALUE + "</a><b x='1'>&amp;";

        String rendered = template.render(Map.of("name", hostile, "user", "1001"));

        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8)));
        assertEquals(hostile, XPathFactory.newInstance().newXPath().evaluate("/a/@single", document));
        assertEquals("1001", XPathFactory.newInstance().newXPath().evaluate("/a/@double", document));
        assertEquals(hostile, XPathFactory.newInstance().newXPath().evaluate("/a/t", document));
    }

    @Test
    void aMissingValueRendersAsNothingAndTheTextAroundPlaceholdersIsKept() {
        ConfigTemplate template = parse("<a b=\"[${name}]\">${user}-${user}</a>");

        assertEquals("<a b=\"[]\">7-7</a>", template.render(Map.of("user", "7")));
        assertEquals("<a b=\"[&lt;&amp;&gt;&quot;&apos;&#9;&#10;&#13;]\">-</a>",
                template.render(Map.of("name", "<&>\"'\t\n\r")));
    }

    @Test
    void theBuiltInTemplatesPassTheCheck() {
        // The renderer reads and checks the template of every model it knows.
        assertDoesNotThrow(() -> new ConfigRenderer(PhoneCatalogue.builtIn()));
    }

    private static ConfigTemplate parse(String source) {
        return ConfigTemplate.parse("probe", source, name -> null, KEYS);
    }
}
