package io.hub.profiles;

import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * What a family file sets for all its models and each {@code <model>} may set again for itself: the
 * firmware track, the MAC rule, the template and the default settings (XML shape, read by Jackson).
 */
class FamilyDefaults {

    @JacksonXmlProperty(isAttribute = true)
    public String firmwareTrack;
    @JacksonXmlProperty(isAttribute = true)
    public String macRule;
    @JacksonXmlProperty(isAttribute = true)
    public String template;
    @JacksonXmlElementWrapper(localName = "defaults")
    @JacksonXmlProperty(localName = "setting")
    public List<FamilyFile.SettingEntry> defaults = new ArrayList<>();
}
