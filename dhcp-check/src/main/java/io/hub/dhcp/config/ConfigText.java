package io.hub.dhcp.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A configuration file's text, refused when it is not a text file (binary garbage, a core dump …). */
final class ConfigText {

    /** Far larger than any real DHCP configuration; stops a wrong file from filling memory. */
    static final long MAX_BYTES = 16L * 1024 * 1024;

    private ConfigText() {
    }

    /** @throws ConfigException naming the file and what is wrong with it */
    static String read(Path file) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("cannot read " + file + ": " + (Files.exists(file) ? "not a regular file"
                        : "no such file"));
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file + " is larger than " + MAX_BYTES / (1024 * 1024)
                        + " MiB; it is not a DHCP server configuration");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new ConfigException(file + " is not a text file (a NUL byte at offset " + i + ")");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + " is not a text file (it is not UTF-8)");
        }
    }
}
