package io.hub.phone.net;

import java.nio.ByteBuffer;

/**
 * The loop's scratch space for TLS. A connection keeps bytes of its own only when a record arrived
 * in part or the socket would not take all it had to send, so an idle phone costs its SSLEngine and
 * little else.
 */
final class TlsBuffers {

    /** Larger than the largest TLS record with its header (16 KiB + 2 KiB expansion + 5). */
    static final int RECORD = 18 * 1024 + 5;

    /** Network bytes read, to unwrap: room for a partial record kept back plus a full read. */
    ByteBuffer netIn = ByteBuffer.allocate(4 * RECORD);
    /** Application bytes unwrapped. */
    ByteBuffer appIn = ByteBuffer.allocate(2 * RECORD);
    /** Network bytes wrapped, to write. */
    ByteBuffer netOut = ByteBuffer.allocate(2 * RECORD);

    /** {@code buffer} made at least {@code size} bytes, keeping what it holds. */
    static ByteBuffer atLeast(ByteBuffer buffer, int size) {
        if (buffer.capacity() >= size) {
            return buffer;
        }
        ByteBuffer bigger = ByteBuffer.allocate(size);
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}
