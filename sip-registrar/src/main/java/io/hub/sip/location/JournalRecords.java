package io.hub.sip.location;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The byte form of the binding journal's records: one record per AOR change, its whole binding
 * set, so that replaying records in order gives the last set whatever the table held before.
 * A record is its payload's length, the payload's CRC-32C, then the payload; a record cut short or
 * whose checksum does not match ends what a segment is read for (a write a crash interrupted).
 */
final class JournalRecords {

    /** What every segment starts with, so that a file of another kind is never replayed. */
    static final byte[] MAGIC = "HUBSIPJ1".getBytes(StandardCharsets.US_ASCII);

    /** No change of one AOR comes near this; a length beyond it is a damaged record, not a large one. */
    static final int MAX_PAYLOAD = 1 << 20;

    private static final int HEADER = Integer.BYTES * 2;

    private final ByteArrayOutputStream payload = new ByteArrayOutputStream(512);
    private final DataOutputStream out = new DataOutputStream(payload);
    private final ByteArrayOutputStream records = new ByteArrayOutputStream(1024);

    /** The records of {@code changes}, one after the other, ready for a single write. */
    ByteBuffer encode(List<AorBindings> changes) {
        records.reset();
        try {
            for (AorBindings change : changes) {
                payload.reset();
                writePayload(change);
                if (payload.size() > MAX_PAYLOAD) {
                    throw new IllegalArgumentException("the bindings of " + change.aor() + " take " + payload.size()
                            + " bytes, more than a journal record holds");
                }
                byte[] body = payload.toByteArray();
                CRC32C crc = new CRC32C();
                crc.update(body);
                records.write(ByteBuffer.allocate(HEADER).putInt(body.length).putInt((int) crc.getValue()).array());
                records.write(body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return ByteBuffer.wrap(records.toByteArray());
    }

    private void writePayload(AorBindings change) throws IOException {
        writeString(change.aor());
        out.writeInt(change.bindings().size());
        for (Binding b : change.bindings()) {
            writeString(b.contact());
            writeString(b.instance());
            out.writeBoolean(b.regId() != null);
            out.writeInt(b.regId() == null ? 0 : b.regId());
            writeString(b.callId());
            out.writeLong(b.cseq());
            writeInstant(b.expiresAt());
            writeInstant(b.registeredAt());
            writeInstant(b.refreshedAt());
            writeString(b.source());
            writeString(b.transport());
            writeString(b.userAgent());
            writeString(b.deviceMac());
            writeString(b.cipher());
        }
    }

    private void writeString(String text) throws IOException {
        if (text == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private void writeInstant(Instant instant) throws IOException {
        out.writeLong(instant.getEpochSecond());
        out.writeInt(instant.getNano());
    }

    /**
     * The next record in {@code segment} from its position, which moves past it; empty at the end
     * of the segment or at a record a crash cut short or damaged, where reading stops.
     */
    static Optional<AorBindings> next(ByteBuffer segment) {
        if (segment.remaining() < HEADER) {
            return Optional.empty();
        }
        int length = segment.getInt();
        int checksum = segment.getInt();
        if (length < 0 || length > MAX_PAYLOAD || length > segment.remaining()) {
            return Optional.empty();
        }
        ByteBuffer payload = segment.slice(segment.position(), length);
        CRC32C crc = new CRC32C();
        crc.update(payload.duplicate());
        if ((int) crc.getValue() != checksum) {
            return Optional.empty();
        }
        segment.position(segment.position() + length);
        try {
            return Optional.of(readPayload(payload));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            // A checksum that matches over a payload this code cannot read: written by another version.
            throw new IllegalStateException("a binding journal record does not read: " + e.getMessage(), e);
        }
    }

    private static AorBindings readPayload(ByteBuffer in) {
        String aor = readString(in);
        int count = in.getInt();
        if (count < 0 || count > in.remaining()) {
            throw new IllegalArgumentException(count + " bindings");
        }
        List<Binding> bindings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String contact = readString(in);
            String instance = readString(in);
            boolean hasRegId = in.get() != 0;
            int regId = in.getInt();
            // Arguments are evaluated left to right: the fields in the order writePayload wrote them.
            bindings.add(new Binding(aor, contact, instance, hasRegId ? regId : null, readString(in), in.getLong(),
                    readInstant(in), readInstant(in), readInstant(in), 0, readString(in), readString(in),
                    readString(in), readString(in), readString(in)));
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes after the last binding");
        }
        return new AorBindings(aor, bindings);
    }

    private static String readString(ByteBuffer in) {
        int length = in.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("a string of " + length + " bytes");
        }
        byte[] utf8 = new byte[length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static Instant readInstant(ByteBuffer in) {
        return Instant.ofEpochSecond(in.getLong(), in.getInt());
    }
}
