package io.hub.pki;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** The small JSON state files of the PKI: read whole, written whole and atomically. */
final class JsonFiles {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JsonFiles() {
    }

    static <T> T read(Path file, Class<T> type, T whenMissing) {
        if (!Files.exists(file)) {
            return whenMissing;
        }
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new PkiException(file + " is not readable JSON: " + PemFiles.oneLine(e));
        }
    }

    static void write(Path file, Object value) {
        try {
            SecureFiles.writeAtomically(file, MAPPER.writeValueAsBytes(value), false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * What identifies one version of a file: its inode and modification time. Every write replaces
     * the file by a rename, so a new version always has a new inode even within one clock tick.
     * Null when the file does not exist.
     */
    static Object version(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return java.util.List.of(String.valueOf(attributes.fileKey()), attributes.lastModifiedTime());
        } catch (IOException e) {
            return null;
        }
    }
}
