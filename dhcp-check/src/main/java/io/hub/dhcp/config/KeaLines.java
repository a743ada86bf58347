package io.hub.dhcp.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The line each JSON object of a Kea configuration starts on, by JSON pointer, so a finding names
 * a line an admin can open instead of a path through the tree.
 */
final class KeaLines {

    private final Map<String, Integer> lines;
    private final String file;
    private final KeaText source;

    private KeaLines(Map<String, Integer> lines, String file, KeaText source) {
        this.lines = lines;
        this.file = file;
        this.source = source;
    }

    /** Indexes the text of {@code source} (includes resolved); lines are named by the file they come from. */
    static KeaLines index(JsonParser parser, String file, KeaText source) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
            if (token == JsonToken.START_OBJECT) {
                lines.put(parser.getParsingContext().pathAsPointer().toString(),
                        parser.currentTokenLocation().getLineNr());
            }
        }
        return new KeaLines(lines, file, source);
    }

    /** {@code kea-dhcp4.conf:12 (/Dhcp4/subnet4/0/option-data/1)}, or the included file's name and line. */
    String where(String pointer) {
        Integer line = lines.get(pointer);
        return line == null ? file + " (" + pointer + ")" : source.origin(line) + " (" + pointer + ")";
    }
}
