package io.hub.dhcp.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ISC dhcpd's configuration syntax as a tree of statements: words and strings up to a {@code ;},
 * or up to a {@code {…}} block. Comments run from {@code #} to the end of the line.
 */
final class IscSyntax {

    /** A word or a quoted string, with the line it starts on. */
    record Token(String text, boolean quoted, int line) {
        boolean is(String word) {
            return !quoted && text.equalsIgnoreCase(word);
        }
    }

    /** One statement: its tokens and, for a declaration, the statements of its block (else null). */
    record Statement(List<Token> tokens, List<Statement> block, String where) {
        String word(int index) {
            return index < tokens.size() ? tokens.get(index).text() : "";
        }

        /** The tokens from {@code from}, strings unquoted, joined by spaces. */
        String text(int from) {
            StringBuilder text = new StringBuilder();
            for (int i = from; i < tokens.size(); i++) {
                Token token = tokens.get(i);
                if (text.length() > 0 && !token.text().equals(",") && !text.toString().endsWith(",")) {
                    text.append(' ');
                }
                text.append(token.quoted() ? '"' + token.text() + '"' : token.text());
                if (token.text().equals(",")) {
                    text.append(' ');
                }
            }
            return text.toString().strip();
        }
    }

    private static final int MAX_DEPTH = 64;

    private final String text;
    private final String file;
    private int at;
    private int line = 1;
    /** Whether the last block read ended with its '}' rather than with the end of the text. */
    private boolean closed;

    private IscSyntax(String text, Path file) {
        this.text = text;
        this.file = String.valueOf(file.getFileName());
    }

    /** @throws ConfigException naming the line where the syntax breaks */
    static List<Statement> parse(String text, Path file) {
        IscSyntax syntax = new IscSyntax(text, file);
        List<Statement> statements = syntax.statements(0);
        if (syntax.at < text.length()) {
            throw syntax.error("a '}' closes nothing");
        }
        return statements;
    }

    private List<Statement> statements(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("blocks nest deeper than " + MAX_DEPTH);
        }
        List<Statement> statements = new ArrayList<>();
        List<Token> tokens = new ArrayList<>();
        while (true) {
            skipBlanks();
            if (at >= text.length()) {
                if (!tokens.isEmpty()) {
                    throw error("the statement '" + abbreviate(tokens) + "' has no ';' at its end");
                }
                closed = false;
                return statements;
            }
            char c = text.charAt(at);
            if (c == '}') {
                if (!tokens.isEmpty()) {
                    throw error("the statement '" + abbreviate(tokens) + "' has no ';' before '}'");
                }
                if (depth == 0) {
                    return statements;
                }
                at++;
                closed = true;
                return statements;
            }
            if (c == ';') {
                at++;
                if (!tokens.isEmpty()) {
                    statements.add(new Statement(List.copyOf(tokens), null, where(tokens)));
                    tokens.clear();
                }
            } else if (c == '{') {
                if (tokens.isEmpty()) {
                    // dhcpd refuses a block that no declaration opens (found by ConfigCheckerFuzzTest).
                    throw error("expecting a parameter or declaration, not a '{' with nothing before it");
                }
                at++;
                int opened = line;
                List<Statement> block = statements(depth + 1);
                if (!closed) {
                    throw new ConfigException(file + ":" + opened + ": the block opened here is never closed");
                }
                statements.add(new Statement(List.copyOf(tokens), block, where(tokens)));
                tokens.clear();
            } else if (c == '"') {
                tokens.add(string());
            } else if (c == ',' || c == '=') {
                tokens.add(new Token(String.valueOf(c), false, line));
                at++;
            } else {
                tokens.add(word());
            }
        }
    }

    private String where(List<Token> tokens) {
        return file + ":" + tokens.get(0).line();
    }

    private void skipBlanks() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '\n') {
                line++;
                at++;
            } else if (Character.isWhitespace(c)) {
                at++;
            } else if (c == '#') {
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            } else {
                return;
            }
        }
    }

    private Token string() {
        int start = line;
        StringBuilder value = new StringBuilder();
        at++;
        while (at < text.length() && text.charAt(at) != '"') {
            char c = text.charAt(at);
            if (c == '\n') {
                line++;
            }
            if (c == '\\' && at + 1 < text.length()) {
                at++;
                char escaped = text.charAt(at);
                value.append(switch (escaped) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> escaped;
                });
            } else {
                value.append(c);
            }
            at++;
        }
        if (at >= text.length()) {
            throw new ConfigException(file + ":" + start + ": a string is never closed");
        }
        at++;
        return new Token(value.toString(), true, start);
    }

    private Token word() {
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (Character.isWhitespace(c) || c == ';' || c == '{' || c == '}' || c == '"' || c == ','
                    || c == '#' || c == '=') {
                break;
            }
            at++;
        }
        if (at == start) {
            throw error("unexpected '" + text.charAt(at) + "'");
        }
        return new Token(text.substring(start, at), false, line);
    }

    private ConfigException error(String message) {
        return new ConfigException(file + ":" + line + ": " + message);
    }

    private static String abbreviate(List<Token> tokens) {
        StringBuilder text = new StringBuilder();
        for (Token token : tokens) {
            text.append(text.length() == 0 ? "" : " ").append(token.text());
        }
        return DnsmasqFiles.abbreviate(text.toString());
    }
}
