package io.hub.profiles;

import java.util.List;
import java.util.Map;

/**
 * One phone model as the catalogue files describe it.
 *
 * @param name the model name as phones report it, such as {@code Myriad M7}
 * @param family the family file it comes from, such as {@code Myriad}
 * @param vendor the manufacturer
 * @param lines SIP accounts the phone can hold
 * @param keys programmable keys
 * @param firmwareTrack the firmware line its images belong to (models of a track share images)
 * @param macRule where its factory CA puts the MAC ({@code cn}, {@code serial}, {@code san}, {@code regex:…})
 * @param template the configuration template it is rendered with
 * @param aliases other names the same phone goes by (User-Agent spellings, short names)
 * @param defaults the model layer of settings, over the site layer
 */
public record PhoneModel(String name, String family, String vendor, int lines, int keys, String firmwareTrack,
        String macRule, String template, List<String> aliases, Map<String, String> defaults) {

    public PhoneModel {
        aliases = List.copyOf(aliases);
        defaults = Map.copyOf(defaults);
    }
}
