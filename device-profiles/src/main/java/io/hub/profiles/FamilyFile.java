package io.hub.profiles;

import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.ArrayList;
import java.util.List;

/**
 * The XML shape of one family file ({@code models/*.xml}): family-wide attributes and defaults,
 * then one {@code <model>} per model, which may override any of them.
 */
@JacksonXmlRootElement(localName = "family")
final class FamilyFile extends FamilyDefaults {

    @JacksonXmlProperty(isAttribute = true)
    public String name;
    @JacksonXmlProperty(isAttribute = true)
    public String vendor;
    @JacksonXmlElementWrapper(useWrapping = false)
    @JacksonXmlProperty(localName = "model")
    public List<ModelEntry> models = new ArrayList<>();

    static final class ModelEntry extends FamilyDefaults {
        @JacksonXmlProperty(isAttribute = true)
        public String name;
        @JacksonXmlProperty(isAttribute = true)
        public Integer lines;
        @JacksonXmlProperty(isAttribute = true)
        public Integer keys;
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "alias")
        public List<String> aliases = new ArrayList<>();
    }

    static final class SettingEntry {
        @JacksonXmlProperty(isAttribute = true)
        public String key;
        @JacksonXmlProperty(isAttribute = true)
        public String value;
    }
}
