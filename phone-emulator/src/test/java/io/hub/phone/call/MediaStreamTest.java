package io.hub.phone.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.phone.net.NetLoop;
import io.hub.phone.sdp.SdpException;
import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Two phones' media on 127.0.0.1, each end talking SRTP to the other directly: what a relay will carry. */
class MediaStreamTest {

    private static <T> T onLoop(NetLoop loop, Supplier<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    private static MediaStream open(NetLoop loop) throws Exception {
        return onLoop(loop, () -> {
            try {
                return MediaStream.open(loop, InetAddress.getLoopbackAddress(), 30000, 40000);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void srtpBothWaysArrivesAuthenticatedAndComplete() throws Exception {
        try (NetLoop loop = new NetLoop("media-test")) {
            MediaClock clock = new MediaClock(loop);
            MediaStream alice = open(loop);
            MediaStream bob = open(loop);
            assertEquals(0, alice.port() % 2, "RTP on an even port");
            MasterKey aliceKey = MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80);
            MasterKey bobKey = MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80);
            InetAddress here = InetAddress.getLoopbackAddress();
            onLoop(loop, () -> {
                alice.start(new InetSocketAddress(here, bob.port()), aliceKey, bobKey);
                bob.start(new InetSocketAddress(here, alice.port()), bobKey, aliceKey);
                clock.add(alice);
                clock.add(bob);
                return null;
            });
            for (int i = 0; i < 200 && onLoop(loop, () -> Math.min(alice.report().received(),
                    bob.report().received())) < 25; i++) {
                Thread.sleep(50);
            }
            MediaReport toAlice = onLoop(loop, () -> {
                clock.remove(alice);
                clock.remove(bob);
                bob.close();
                return alice.close();
            });
            assertTrue(toAlice.received() >= 25, "alice heard bob: " + toAlice);
            assertEquals(0, toAlice.authFailures());
            assertEquals(0, toAlice.lost(), toAlice.toString());
        }
    }

    @Test
    void packetsUnderAnotherKeyAreCountedAsAuthenticationFailures() throws Exception {
        try (NetLoop loop = new NetLoop("media-test")) {
            MediaClock clock = new MediaClock(loop);
            MediaStream alice = open(loop);
            MediaStream mallory = open(loop);
            InetAddress here = InetAddress.getLoopbackAddress();
            MasterKey expected = MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80);
            onLoop(loop, () -> {
                alice.start(new InetSocketAddress(here, mallory.port()), MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80),
                        expected);
                mallory.start(new InetSocketAddress(here, alice.port()), MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80),
                        expected);
                clock.add(mallory);
                return null;
            });
            for (int i = 0; i < 200 && onLoop(loop, () -> alice.report().authFailures()) < 5; i++) {
                Thread.sleep(50);
            }
            MediaReport report = onLoop(loop, () -> {
                clock.remove(mallory);
                mallory.close();
                return alice.close();
            });
            assertTrue(report.authFailures() >= 5, report.toString());
            assertEquals(0, report.received(), "nothing under the wrong key is taken as media");
        }
    }

    @Test
    void sdpOfferAndAnswerCarryAddressPortAndKey() throws Exception {
        MasterKey key = MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80);
        SdpBody.Remote remote = SdpBody.read(SdpBody.describe("127.0.0.2", 30002, key, 3, 7));
        assertEquals(new InetSocketAddress("127.0.0.2", 30002), remote.media());
        assertEquals(3, remote.crypto().tag());
        assertEquals(key, remote.key());
        String relayed = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                + "m=audio 40000 RTP/SAVP 0\r\nc=IN IP4 127.0.0.9\r\na=crypto:1 AES_CM_128_HMAC_SHA1_32 "
                + key.inline() + "\r\n";
        assertEquals(new InetSocketAddress("127.0.0.9", 40000), SdpBody.read(relayed).media(),
                "a media-level c= wins over the session's");
    }

    @Test
    void sdpWithoutSrtpOrWithoutAKeyIsRefused() {
        String plain = "v=0\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
        assertTrue(assertThrows(SdpException.class, () -> SdpBody.read(plain)).getMessage().contains("not SRTP"));
        assertThrows(SdpException.class, () -> SdpBody.read(plain.replace("RTP/AVP", "RTP/SAVP")));
        assertThrows(SdpException.class, () -> SdpBody.read("v=0\r\nm=video 4000 RTP/SAVP 96\r\n"));
        assertThrows(SdpException.class, () -> SdpBody.read("hello"));
        assertThrows(SdpException.class, () -> SdpBody.read(plain.replace("RTP/AVP 0", "RTP/SAVP 0")
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:dG9vIHNob3J0\r\n"), "a key of the wrong length");
    }
}
