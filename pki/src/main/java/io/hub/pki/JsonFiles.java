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

    /** Changes younger than this are re-read on every look: timestamps are too coarse to tell them apart. */
    private static final long SETTLING_MILLIS = 2_000;

    /**
     * What identifies one version of a file: inode, modification time and size. Renames can reuse
     * inodes and timestamps tick in milliseconds, so two writes in quick succession may look alike;
     * a file changed in the last two seconds therefore gets a fresh version at every look, which
     * makes readers re-read it. Null when the file does not exist.
     */
    static Object version(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (System.currentTimeMillis() - attributes.lastModifiedTime().toMillis() < SETTLING_MILLIS) {
                return new Object();
            }
            return java.util.List.of(String.valueOf(attributes.fileKey()), attributes.lastModifiedTime(),
                    attributes.size());
        } catch (IOException e) {
            return null;
        }
    }
}
