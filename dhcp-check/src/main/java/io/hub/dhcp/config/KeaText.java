package io.hub.dhcp.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Kea configuration with its {@code <?include "file" ?>} directives replaced by the files they
 * name, and the file and line every line of the result comes from.
 *
 * <p>Kea's lexer reads a directive anywhere outside a string or a comment ({@code #}, {@code //},
 * {@code /* *}{@code /}), so a commented-out include is not read here either. A relative name is
 * resolved against the directory of the file that includes it (Kea 2.2 resolves it against its
 * working directory, which is that directory when Kea is started the usual way). Includes nest at
 * most {@value #MAX_DEPTH} deep, as in Kea, which also stops a file including itself. A file
 * outside the main file's directory tree is read, since Kea would read it, and named in
 * {@link #outside()} so the checker reports it: the checked text never silently comes from
 * elsewhere.
 */
final class KeaText {

    /** Kea refuses deeper nesting ("Too many nested include."). */
    static final int MAX_DEPTH = 10;
    private static final String INCLUDE = "<?include";

    private final StringBuilder text = new StringBuilder();
    private final List<String> origins = new ArrayList<>();
    private final List<String> outside = new ArrayList<>();
    private final Path root;
    private long bytes;
    private boolean lineStart = true;

    private KeaText(Path root) {
        this.root = root;
    }

    /**
     * Reads {@code file} and everything it includes.
     *
     * @throws ConfigException when a file cannot be read, a directive is malformed, includes nest too
     *     deep, or the whole is larger than {@link ConfigText#MAX_BYTES}
     */
    static KeaText read(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        KeaText result = new KeaText(absolute.getParent());
        result.append(absolute, String.valueOf(file.getFileName()), ConfigText.read(file), 0);
        return result;
    }

    String text() {
        return text.toString();
    }

    /** {@code opts.json:3} for line {@code line} (1-based) of {@link #text()}. */
    String origin(int line) {
        return line >= 1 && line <= origins.size() ? origins.get(line - 1) : "?";
    }

    /** Each include that reads a file outside the main file's directory: {@code kea.conf:4 ../x.json}. */
    List<String> outside() {
        return List.copyOf(outside);
    }

    private void append(Path file, String name, String source, int depth) {
        bytes += source.length();
        if (bytes > ConfigText.MAX_BYTES) {
            throw new ConfigException(name + ": with its includes larger than " + ConfigText.MAX_BYTES / (1024 * 1024)
                    + " MiB; it is not a DHCP server configuration");
        }
        int line = 1;
        int i = 0;
        int length = source.length();
        while (i < length) {
            char c = source.charAt(i);
            if (c == '"') {
                int end = stringEnd(source, i);
                line = copy(source, i, end, name, line);
                i = end;
            } else if (c == '#' || source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                end = end < 0 ? length : end;
                line = copy(source, i, end, name, line);
                i = end;
            } else if (source.startsWith("/*", i)) {
                int close = source.indexOf("*/", i + 2);
                int end = close < 0 ? length : close + 2;
                line = copy(source, i, end, name, line);
                i = end;
            } else if (source.startsWith(INCLUDE, i)) {
                i = include(file, name, source, i, line, depth);
            } else {
                line = copy(source, i, i + 1, name, line);
                i++;
            }
        }
    }

    /** Replaces one directive by the file it names; returns the index after it. */
    private int include(Path file, String name, String source, int start, int line, int depth) {
        String where = name + ":" + line;
        int i = skipBlanks(source, start + INCLUDE.length());
        if (i >= source.length() || source.charAt(i) != '"') {
            throw new ConfigException(where + ": syntax error, <?include needs a quoted file name");
        }
        int close = source.indexOf('"', i + 1);
        int newline = source.indexOf('\n', i + 1);
        if (close < 0 || (newline >= 0 && newline < close)) {
            throw new ConfigException(where + ": syntax error, the file name of <?include is never closed");
        }
        String target = source.substring(i + 1, close);
        int end = skipBlanks(source, close + 1);
        if (!source.startsWith("?>", end)) {
            throw new ConfigException(where + ": syntax error, <?include \"" + DnsmasqFiles.abbreviate(target)
                    + "\" is not closed by ?>");
        }
        if (depth + 1 >= MAX_DEPTH) {
            throw new ConfigException(where + ": Too many nested include (more than " + MAX_DEPTH + " deep)");
        }
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new ConfigException(where + ": Can't open include file \"" + target + "\"");
        }
        Path included;
        try {
            included = file.getParent().resolve(target).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(where + ": Can't open include file \"" + DnsmasqFiles.abbreviate(target) + "\"");
        }
        if (!included.startsWith(root)) {
            outside.add(where + " " + target);
        }
        String content;
        try {
            content = ConfigText.read(included);
        } catch (ConfigException e) {
            throw new ConfigException(where + ": Can't open include file \"" + target + "\" (" + e.getMessage() + ")");
        }
        append(included, String.valueOf(included.getFileName()), content, depth + 1);
        return end + 2;
    }

    private static int skipBlanks(String source, int from) {
        int i = from;
        while (i < source.length() && (source.charAt(i) == ' ' || source.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** The index after the string that opens at {@code start}, or the end of its line when never closed. */
    private static int stringEnd(String source, int start) {
        int i = start + 1;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else if (c == '\n') {
                return i;
            } else {
                i++;
            }
        }
        return source.length();
    }

    private int copy(String source, int from, int to, String name, int line) {
        int current = line;
        for (int i = from; i < Math.min(to, source.length()); i++) {
            char c = source.charAt(i);
            if (lineStart) {
                origins.add(name + ":" + current);
                lineStart = false;
            }
            text.append(c);
            if (c == '\n') {
                current++;
                lineStart = true;
            }
        }
        return current;
    }
}
