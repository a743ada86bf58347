package io.hub.sip;

import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Session;

/**
 * A browser's end of a SIP WebSocket: it keeps every text frame the hub sends and the status code of
 * every close, for the test to read in turn.
 */
public final class WebSocketBrowser implements Session.Listener.AutoDemanding {

    private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Integer> closes = new LinkedBlockingQueue<>();

    @Override
    public void onWebSocketText(String message) {
        frames.add(message);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closes.add(statusCode);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        // A refused upgrade or a closed WebSocket: the test reads the outcome from the frames and the closes.
    }

    /** The next frame, waited for at most 10 s; null when none came. */
    public String nextFrame() throws InterruptedException {
        return frames.poll(10, TimeUnit.SECONDS);
    }

    /** The status code the WebSocket was closed with, waited for at most 10 s; null when it stayed open. */
    public Integer nextClose() throws InterruptedException {
        return closes.poll(10, TimeUnit.SECONDS);
    }

    /** The next frame, as the SIP response it must be. */
    public SIPResponse next() throws Exception {
        String frame = nextFrame();
        return (SIPResponse) new StringMsgParser().parseSIPMessage(frame.getBytes(StandardCharsets.UTF_8), true,
                false, null);
    }
}
