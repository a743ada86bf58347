package io.hub.provisioning.http;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's TLS connection, which encrypts a small response's head and body into one TLS record.
 *
 * <p>Jetty hands the engine a response as two buffers, the head it generated and the body, and
 * sends what each wrap produced before wrapping more. The OpenSSL engine makes one record per
 * buffer, as the JDK's engine contract lets it, so every configuration went out as two records in
 * two {@code writev} calls, two TCP segments on the phone's side. Buffers that fit in one record
 * together ({@link #MAX_JOINED} bytes) are copied into one pooled buffer and wrapped at once; the
 * caller's buffers are then advanced by what the engine took, so Jetty sees what it would have seen.
 * Larger writes (firmware) are wrapped as they come.
 */
final class OneRecordSslConnection extends SslConnection {

    /** The most plaintext one TLS record carries (RFC 8446 §5.1). */
    static final int MAX_JOINED = 16_384;

    private final ByteBufferPool pool;

    OneRecordSslConnection(ByteBufferPool pool, Executor executor, SslContextFactory tls, EndPoint endPoint,
            SSLEngine engine, boolean directForEncryption, boolean directForDecryption) {
        super(pool, executor, tls, endPoint, engine, directForEncryption, directForDecryption);
        this.pool = pool;
    }

    @Override
    protected SSLEngineResult wrap(SSLEngine engine, ByteBuffer[] appOuts, ByteBuffer encrypted) throws SSLException {
        int parts = 0;
        long total = 0;
        for (ByteBuffer out : appOuts) {
            if (out.hasRemaining()) {
                parts++;
                total += out.remaining();
            }
        }
        if (parts < 2 || total > MAX_JOINED) {
            return super.wrap(engine, appOuts, encrypted);
        }
        RetainableByteBuffer joined = pool.acquire((int) total, encrypted.isDirect());
        try {
            ByteBuffer plain = joined.getByteBuffer();
            plain.clear();
            for (ByteBuffer out : appOuts) {
                plain.put(out.duplicate());
            }
            plain.flip();
            SSLEngineResult result = super.wrap(engine, new ByteBuffer[] {plain}, encrypted);
            advance(appOuts, result.bytesConsumed());
            return result;
        } finally {
            joined.release();
        }
    }

    /** Moves the buffers past {@code consumed} bytes, in order, as a wrap of them all would have. */
    private static void advance(ByteBuffer[] buffers, int consumed) {
        int left = consumed;
        for (ByteBuffer buffer : buffers) {
            int taken = Math.min(left, buffer.remaining());
            buffer.position(buffer.position() + taken);
            left -= taken;
        }
    }
}
