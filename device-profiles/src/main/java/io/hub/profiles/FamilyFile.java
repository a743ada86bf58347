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
final class FamilyFile {

    @JacksonXmlProperty(isAttribute = true)
    public String name;
    @JacksonXmlProperty(isAttribute = true)
    public String vendor;
    @JacksonXmlProperty(isAttribute = true)
    public String firmwareTrack;
    @JacksonXmlProperty(isAttribute = true)
    public String macRule;
    @JacksonXmlProperty(isAttribute = true)
    public String template;
    @JacksonXmlElementWrapper(localName = "defaults")
    @JacksonXmlProperty(localName = "setting")
    public List<SettingEntry> defaults = new ArrayList<>();
    @JacksonXmlElementWrapper(useWrapping = false)
    @JacksonXmlProperty(localName = "model")
    public List<ModelEntry> models = new ArrayList<>();

    static final class ModelEntry {
        @JacksonXmlProperty(isAttribute = true)
        public String name;
        @JacksonXmlProperty(isAttribute = true)
        public Integer lines;
        @JacksonXmlProperty(isAttribute = true)
        public Integer keys;
        @JacksonXmlProperty(isAttribute = true)
        public String firmwareTrack;
        @JacksonXmlProperty(isAttribute = true)
        public String macRule;
        @JacksonXmlProperty(isAttribute = true)
        public String template;
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "alias")
        public List<String> aliases = new ArrayList<>();
        @JacksonXmlElementWrapper(localName = "defaults")
        @JacksonXmlProperty(localName = "setting")
        public List<SettingEntry> defaults = new ArrayList<>();
    }

    static final class SettingEntry {
        @JacksonXmlProperty(isAttribute = true)
        public String key;
        @JacksonXmlProperty(isAttribute = true)
        public String value;
    }
}
