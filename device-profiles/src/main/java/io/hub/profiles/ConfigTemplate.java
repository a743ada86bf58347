package io.hub.profiles;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.xml.sax.SAXException;

/**
 * A configuration template: XML text with {@code ${key}} placeholders, each replaced by an escaped
 * value. A template may start with {@code <!-- extends: BASE -->} and then only redefine named
 * blocks of its base ({@code <!-- block:NAME --> … <!-- endblock -->}), so a model that differs in
 * one part of the document says only that part.
 */
final class ConfigTemplate {

    private static final Pattern EXTENDS = Pattern.compile("\\A\\s*<!--\\s*extends:\\s*([\\w.-]+)\\s*-->");
    private static final Pattern BLOCK =
            Pattern.compile("<!-- block:([\\w-]+) -->\\R?(.*?)<!-- endblock -->\\R?", Pattern.DOTALL);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    /**
     * A value standing for any value at the template's check: a comment's end, a CDATA end, every
     * character escaping changes, white space, and characters beyond ASCII and beyond the BMP.
     */
    static final String ANY_VALUE = "-- ]]> <&>\"' \t\n\r é \uD83D\uDE00 x";

    private final String name;
    /** The text around the placeholders: one more than {@link #keys}, the first before the first key. */
    private final String[] literals;
    private final String[] keys;
    /** The literals' length and room for the values: a render's first guess at its size. */
    private final int expectedLength;

    private ConfigTemplate(String name, String[] literals, String[] keys) {
        this.name = name;
        this.literals = literals;
        this.keys = keys;
        this.expectedLength = Arrays.stream(literals).mapToInt(String::length).sum() + 32 * keys.length;
    }

    /**
     * Parses a template, resolving {@code extends} through {@code library}.
     *
     * @throws CatalogueException for an unknown base, an unknown block or an unknown placeholder
     */
    static ConfigTemplate parse(String name, String source, java.util.function.Function<String, String> library,
            Set<String> placeholders) {
        Matcher base = EXTENDS.matcher(source);
        String text;
        if (base.find()) {
            String baseSource = library.apply(base.group(1));
            if (baseSource == null) {
                throw new CatalogueException("template " + name + " extends unknown template " + base.group(1));
            }
            text = override(name, baseSource, blocks(source));
        } else {
            text = override(name, source, Map.of());
        }
        List<String> literals = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Matcher placeholder = PLACEHOLDER.matcher(text);
        int from = 0;
        while (placeholder.find()) {
            if (!placeholders.contains(placeholder.group(1))) {
                throw new CatalogueException("template " + name + " uses unknown placeholder ${"
                        + placeholder.group(1) + "}");
            }
            literals.add(text.substring(from, placeholder.start()));
            keys.add(placeholder.group(1));
            from = placeholder.end();
        }
        literals.add(text.substring(from));
        ConfigTemplate template = new ConfigTemplate(name, literals.toArray(String[]::new), keys.toArray(String[]::new));
        template.requireWellFormedForAnyValue();
        return template;
    }

    String name() {
        return name;
    }

    /**
     * The document with every placeholder replaced by its escaped value (a missing one by nothing).
     * Well-formed for values of characters XML can carry ({@link XmlText#requireXmlCharacters}): the
     * template was checked so at parse.
     */
    String render(Map<String, String> values) {
        StringBuilder out = new StringBuilder(expectedLength);
        out.append(literals[0]);
        for (int i = 0; i < keys.length; i++) {
            XmlText.appendAttribute(out, values.getOrDefault(keys[i], ""));
            out.append(literals[i + 1]);
        }
        return out.toString();
    }

    /**
     * Refuses a template where an escaped value could break the document: a placeholder in a
     * comment, a name, between attributes or unquoted. An escaped value holds no markup character, so
     * in text, a quoted attribute value, a CDATA section or a processing instruction any value is
     * fine; everywhere else {@link #ANY_VALUE} (a space, an ampersand, two dashes) breaks the
     * document, and so does an empty value where something must stand. Checked once here, so that a
     * render need not parse its document again.
     */
    private void requireWellFormedForAnyValue() {
        DocumentBuilder parser = secureParser();
        for (String probe : new String[] {ANY_VALUE, ""}) {
            Map<String, String> values = new HashMap<>();
            for (String key : keys) {
                values.put(key, probe);
            }
            try {
                parser.parse(new ByteArrayInputStream(render(values).getBytes(StandardCharsets.UTF_8)));
            } catch (SAXException | IOException e) {
                throw new CatalogueException("template " + name + " is not well-formed with every placeholder set to "
                        + (probe.isEmpty() ? "nothing" : "an escaped value") + ": " + e.getMessage()
                        + " (a placeholder may stand only in text or in a quoted attribute value)");
            }
        }
    }

    private static DocumentBuilder secureParser() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder parser = factory.newDocumentBuilder();
            parser.setErrorHandler(null); // the default handler prints to stderr; the exception says it all
            return parser;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks secure processing", e);
        }
    }

    private static Map<String, String> blocks(String source) {
        Map<String, String> blocks = new LinkedHashMap<>();
        Matcher block = BLOCK.matcher(source);
        while (block.find()) {
            blocks.put(block.group(1), block.group(2));
        }
        return blocks;
    }

    private static String override(String name, String base, Map<String, String> replacements) {
        Map<String, String> baseBlocks = blocks(base);
        for (String block : replacements.keySet()) {
            if (!baseBlocks.containsKey(block)) {
                throw new CatalogueException("template " + name + " replaces block '" + block
                        + "', which its base does not have; base blocks: " + baseBlocks.keySet());
            }
        }
        Matcher block = BLOCK.matcher(base);
        StringBuilder out = new StringBuilder();
        while (block.find()) {
            String replacement = replacements.getOrDefault(block.group(1), block.group(2));
            block.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        block.appendTail(out);
        return out.toString();
    }
}
