package io.hub.sip;

import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Session;

/** A browser's end of a SIP WebSocket: it keeps every text frame the hub sends, for the test to read in turn. */
public final class WebSocketBrowser implements Session.Listener.AutoDemanding {

    private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();

    @Override
    public void onWebSocketText(String message) {
        frames.add(message);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        // The WebSocket closing as the test stops: the test reads its answers from the frames.
    }

    /** The next frame, waited for at most 10 s; null when none came. */
    public String nextFrame() throws InterruptedException {
        return frames.poll(10, TimeUnit.SECONDS);
    }

    /** The next frame, as the SIP response it must be. */
    public SIPResponse next() throws Exception {
        String frame = nextFrame();
        return (SIPResponse) new StringMsgParser().parseSIPMessage(frame.getBytes(StandardCharsets.UTF_8), true,
                false, null);
    }
}
