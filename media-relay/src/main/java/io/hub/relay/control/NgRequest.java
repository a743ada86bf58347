package io.hub.relay.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One decoded ng request dictionary, read with the protocol's leniencies: a key may be written with
 * spaces or hyphens ({@code transport protocol} or {@code transport-protocol}), and so may a flag.
 * Every accessor names the key it refuses, so the error reason tells the caller what to fix.
 */
final class NgRequest {

    private final Map<?, ?> dictionary;

    NgRequest(Object decoded) throws NgError {
        if (!(decoded instanceof Map<?, ?> map)) {
            throw new NgError("the message is not a dictionary");
        }
        this.dictionary = map;
    }

    String command() throws NgError {
        return string("command");
    }

    /** A required string value. */
    String string(String key) throws NgError {
        String value = optionalString(key);
        if (value == null) {
            throw new NgError("Dictionary contains no key \"" + key + "\"");
        }
        return value;
    }

    /** A string value, or null when the key is absent. */
    String optionalString(String key) throws NgError {
        Object value = get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new NgError("\"" + key + "\" must be a string");
        }
        return text;
    }

    /** A list of strings, a single string read as a list of one, or an empty list when absent. */
    List<String> strings(String key) throws NgError {
        Object value = get(key);
        List<String> values = new ArrayList<>();
        if (value == null) {
            return values;
        }
        if (value instanceof String text) {
            values.add(text);
            return values;
        }
        if (!(value instanceof List<?> list)) {
            throw new NgError("\"" + key + "\" must be a list of strings");
        }
        for (Object element : list) {
            if (!(element instanceof String text)) {
                throw new NgError("\"" + key + "\" must be a list of strings");
            }
            values.add(text);
        }
        return values;
    }

    /** The {@code flags} list, each flag with spaces written as hyphens and in lower case. */
    List<String> flags() throws NgError {
        List<String> flags = new ArrayList<>();
        for (String flag : strings("flags")) {
            flags.add(normalise(flag));
        }
        return flags;
    }

    static String normalise(String word) {
        return word.strip().replace(' ', '-').toLowerCase(Locale.ROOT);
    }

    private Object get(String key) {
        Object value = dictionary.get(key);
        if (value == null) {
            value = dictionary.get(key.indexOf('-') >= 0 ? key.replace('-', ' ') : key.replace(' ', '-'));
        }
        return value;
    }
}
