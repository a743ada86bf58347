package io.hub.phone.provisioning;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A small XML document from the hub, read the way a phone's firmware does: no DTDs, no external
 * entities, and values found by element path and attribute.
 */
final class XmlDocument {

    private final Element root;

    private XmlDocument(Element root) {
        this.root = root;
    }

    /** @throws IllegalArgumentException when the bytes are not well-formed XML */
    static XmlDocument parse(byte[] bytes, String what) {
        DocumentBuilder builder = BUILDERS.get();
        builder.reset();
        builder.setErrorHandler(THROWING);
        try {
            return new XmlDocument(builder.parse(new ByteArrayInputStream(bytes)).getDocumentElement());
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException(what + " is not well-formed XML: " + e.getMessage());
        }
    }

    /** The default handler would print "[Fatal Error]" lines to stderr. */
    private static final org.xml.sax.ErrorHandler THROWING = new org.xml.sax.helpers.DefaultHandler() {
        @Override
        public void error(org.xml.sax.SAXParseException e) throws SAXException {
            throw e;
        }
    };

    /**
     * A parser per thread, reset before each document: finding and configuring a factory for every
     * document was most of the parse, and a fleet parses two per phone.
     */
    private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(() -> {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    });

    String rootName() {
        return root.getTagName();
    }

    /**
     * The attribute at {@code path} ("sip/registrar/@host", or "@mac" on the root); empty when the
     * element or the attribute is missing or the value is blank.
     */
    Optional<String> value(String path) {
        String[] parts = path.split("/");
        Element element = root;
        for (int i = 0; i < parts.length - 1; i++) {
            element = child(element, parts[i]);
            if (element == null) {
                return Optional.empty();
            }
        }
        String attribute = parts[parts.length - 1];
        if (!attribute.startsWith("@")) {
            throw new IllegalArgumentException("a path ends with @attribute: " + path);
        }
        String value = element.getAttribute(attribute.substring(1));
        return value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /** The attribute at {@code path}, or the refusal naming the place a phone needs. */
    String required(String path) {
        return value(path).orElseThrow(() -> new IllegalArgumentException(
                "the " + what() + " has nothing at /" + root.getTagName() + "/" + path));
    }

    /** A number at {@code path}, or the refusal naming it. */
    int number(String path, int min, int max) {
        String text = required(path);
        try {
            int number = Integer.parseInt(text.strip());
            if (number < min || number > max) {
                throw new IllegalArgumentException("/" + root.getTagName() + "/" + path + " is " + number
                        + ", not from " + min + " to " + max);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("/" + root.getTagName() + "/" + path + " is not a number: " + text);
        }
    }

    String text() {
        return root.getTextContent().strip();
    }

    private String what() {
        return root.getTagName().equals("deviceConfig") ? "configuration" : root.getTagName() + " document";
    }

    private static Element child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        return null;
    }
}
