package io.hub.provisioning.devices;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the bulk enrollment CSV of SPEC §5: a header naming the columns ({@code action},
 * {@code macAddress}, {@code deviceType}, and optionally {@code extension}, {@code displayName},
 * {@code site}, {@code region}, {@code certificateSha256}), then one device a line. A file that is not UTF-8 or whose header is
 * wrong is refused whole; a line with the wrong number of fields is reported with its number.
 *
 * <p>What one import holds in memory is bounded: the body (16 MiB at most, the admin API's cap) is
 * decoded as it is read, not copied whole into text, and a file of more than {@link #MAX_LINES}
 * lines is refused 413 {@code too-large} as soon as the line past it is read, so a file of millions
 * of tiny lines never becomes millions of objects.
 */
final class CsvDevices {

    /** Lines one import may have, the header and blank lines included; split a larger file. */
    static final int MAX_LINES = 50_000;

    static final Set<String> REQUIRED = Set.of("action", "macaddress", "devicetype");
    static final Set<String> OPTIONAL = Set.of("extension", "displayname", "site", "region",
            "certificatesha256");
    private static final CsvMapper CSV = new CsvMapper();

    private CsvDevices() {
    }

    /**
     * One data line.
     *
     * @param number its line number in the file (the header is line 1)
     * @param fields by lower-case column name
     * @param problem what makes the line unreadable, or null
     */
    record Line(int number, Map<String, String> fields, String problem) {
        String get(String column) {
            String value = fields.get(column);
            return value == null || value.isBlank() ? null : value.strip();
        }
    }

    static List<Line> parse(byte[] bytes) {
        List<Line> lines = new ArrayList<>();
        int rowsRead = 0;
        try (MappingIterator<List<String>> rows = CSV.readerForListOf(String.class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(utf8(bytes))) {
            JsonParser parser = rows.getParser();
            List<String> header = null;
            while (rows.hasNextValue()) {
                if (++rowsRead > MAX_LINES) {
                    throw new ProvisioningException(Refusal.TOO_LARGE, "an import takes at most " + MAX_LINES
                            + " lines; this file has more: split it into several imports");
                }
                List<String> row = rows.nextValue();
                int number = parser.currentTokenLocation().getLineNr();
                if (row.size() == 1 && row.get(0).isBlank()) {
                    continue;
                }
                if (header == null) {
                    header = header(row, number);
                    continue;
                }
                if (row.size() != header.size()) {
                    lines.add(new Line(number, Map.of(), "has " + row.size() + " fields, the header has "
                            + header.size()));
                    continue;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    fields.put(header.get(i), row.get(i));
                }
                lines.add(new Line(number, fields, null));
            }
            if (header == null) {
                throw new ProvisioningException(Refusal.INVALID_CSV, "the file is empty: expected a header line");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProvisioningException refusal) {
                throw refusal;
            }
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof CharacterCodingException) {
                    throw notUtf8(bytes);
                }
            }
            throw new ProvisioningException(Refusal.INVALID_CSV, "the file is not valid CSV: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return lines;
    }

    private static List<String> header(List<String> row, int number) {
        List<String> columns = new ArrayList<>();
        for (String cell : row) {
            String column = cell.strip().toLowerCase(Locale.ROOT);
            if (!REQUIRED.contains(column) && !OPTIONAL.contains(column)) {
                throw new ProvisioningException(Refusal.INVALID_CSV, "line " + number + ": unknown column '"
                        + cell.strip() + "'; expected action, macAddress, deviceType, extension, displayName, site, "
                        + "region, certificateSha256");
            }
            if (columns.contains(column)) {
                throw new ProvisioningException(Refusal.INVALID_CSV, "line " + number + ": column '" + cell.strip()
                        + "' appears twice");
            }
            columns.add(column);
        }
        for (String required : REQUIRED) {
            if (!columns.contains(required)) {
                throw new ProvisioningException(Refusal.INVALID_CSV, "line " + number + ": the header lacks the "
                        + "column " + required.replace("macaddress", "macAddress").replace("devicetype", "deviceType"));
            }
        }
        return columns;
    }

    /** The bytes as strict UTF-8 text, decoded as they are read; a leading BOM is dropped. */
    private static Reader utf8(byte[] bytes) {
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        return new InputStreamReader(new ByteArrayInputStream(bytes, start, bytes.length - start), strictDecoder());
    }

    private static CharsetDecoder strictDecoder() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** The refusal of bytes that are not UTF-8, naming the line and byte of the first bad sequence. */
    private static ProvisioningException notUtf8(byte[] bytes) {
        ByteBuffer input = ByteBuffer.wrap(bytes);
        // Decoded in small pieces, only to find where the first bad sequence is.
        CharBuffer output = CharBuffer.allocate(8192);
        CharsetDecoder decoder = strictDecoder();
        while (true) {
            output.clear();
            var result = decoder.decode(input, output, true);
            if (result.isError() || !result.isOverflow()) {
                break;
            }
        }
        int line = 1;
        for (int i = 0; i < input.position(); i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return new ProvisioningException(Refusal.NOT_UTF8, "the file is not UTF-8: line " + line
                + " has a byte sequence that is not UTF-8 (at byte " + input.position() + ")");
    }
}
