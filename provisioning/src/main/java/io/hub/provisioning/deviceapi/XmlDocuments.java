package io.hub.provisioning.deviceapi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The small XML documents of the device side (discovery, errors), written with the JDK's StAX
 * writer so every value is escaped.
 */
final class XmlDocuments {

    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newInstance();

    private XmlDocuments() {
    }

    /** {@code <error reason="…">message</error>} */
    static byte[] error(String reason, String message) {
        return write(writer -> {
            writer.writeStartElement("error");
            writer.writeAttribute("reason", reason);
            writer.writeCharacters(message);
            writer.writeEndElement();
        });
    }

    /** A root element with attributes and child elements, each child an element name with attributes. */
    static byte[] element(String name, Map<String, String> attributes, Map<String, Map<String, String>> children) {
        return write(writer -> {
            writer.writeStartElement(name);
            for (Map.Entry<String, String> attribute : attributes.entrySet()) {
                writer.writeAttribute(attribute.getKey(), attribute.getValue());
            }
            for (Map.Entry<String, Map<String, String>> child : children.entrySet()) {
                writer.writeEmptyElement(child.getKey());
                for (Map.Entry<String, String> attribute : child.getValue().entrySet()) {
                    writer.writeAttribute(attribute.getKey(), attribute.getValue());
                }
            }
            writer.writeEndElement();
        });
    }

    static Map<String, String> attributes(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                map.put(pairs[i], pairs[i + 1]);
            }
        }
        return map;
    }

    private interface Body {
        void write(XMLStreamWriter writer) throws XMLStreamException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            XMLStreamWriter writer = FACTORY.createXMLStreamWriter(out, "UTF-8");
            writer.writeStartDocument("UTF-8", "1.0");
            body.write(writer);
            writer.writeEndDocument();
            writer.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write a device document", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
