package io.hub.profiles;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private final String name;
    private final String text;

    private ConfigTemplate(String name, String text) {
        this.name = name;
        this.text = text;
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
        Matcher placeholder = PLACEHOLDER.matcher(text);
        while (placeholder.find()) {
            if (!placeholders.contains(placeholder.group(1))) {
                throw new CatalogueException("template " + name + " uses unknown placeholder ${"
                        + placeholder.group(1) + "}");
            }
        }
        return new ConfigTemplate(name, text);
    }

    String name() {
        return name;
    }

    /** The document with every placeholder replaced by its escaped value. */
    String render(Map<String, String> values) {
        Matcher placeholder = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 256);
        while (placeholder.find()) {
            String value = values.getOrDefault(placeholder.group(1), "");
            placeholder.appendReplacement(out, Matcher.quoteReplacement(XmlText.attribute(value)));
        }
        placeholder.appendTail(out);
        return out.toString();
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
