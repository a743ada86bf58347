package io.hub.app;

import io.hub.relay.stun.StunException;
import io.hub.relay.stun.StunMessage;
import io.hub.relay.stun.StunMessageBuilder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A TURN client's first step over UDP (RFC 5766 §6): an Allocate without credentials, answered 401
 * with the server's realm and nonce, then the same Allocate with USERNAME, REALM, NONCE and
 * MESSAGE-INTEGRITY under the long-term key MD5(username:realm:password) (RFC 5389 §15.4).
 */
final class TurnAllocation {

    static final int ALLOCATE = 0x0003;
    static final int ALLOCATE_SUCCESS = 0x0103;
    static final int ALLOCATE_ERROR = 0x0113;
    static final int REALM = 0x0014;
    static final int NONCE = 0x0015;
    static final int REQUESTED_TRANSPORT = 0x0019;
    static final int XOR_RELAYED_ADDRESS = 0x0016;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the server said to the authenticated Allocate. */
    record Answer(int type, int errorCode, boolean relayedAddress) {
    }

    private TurnAllocation() {
    }

    static Answer allocate(int port, String username, String password) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(2_000);
            StunMessage challenge = exchange(socket, port, request().build(null, false));
            if (challenge.type() != ALLOCATE_ERROR || errorCode(challenge) != 401) {
                throw new AssertionError("an Allocate without credentials was not challenged: " + challenge.type());
            }
            String realm = new String(challenge.value(REALM), StandardCharsets.UTF_8);
            byte[] key = MessageDigest.getInstance("MD5").digest((username + ":" + realm + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
            StunMessage answer = exchange(socket, port, request().username(username)
                    .attribute(REALM, realm.getBytes(StandardCharsets.UTF_8))
                    .attribute(NONCE, challenge.value(NONCE)).build(key, true));
            return new Answer(answer.type(), answer.type() == ALLOCATE_ERROR ? errorCode(answer) : 0,
                    answer.has(XOR_RELAYED_ADDRESS));
        }
    }

    private static StunMessageBuilder request() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return new StunMessageBuilder(ALLOCATE, id).attribute(REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0});
    }

    /**
     * Sends {@code request} and waits for its answer, sending again a bounded number of times (UDP).
     * An answer to another transaction is passed over: a server slow to start answers every copy of
     * the first request, and the late copy of its challenge must not be taken for the answer to the
     * authenticated request.
     */
    private static StunMessage exchange(DatagramSocket socket, int port, byte[] request)
            throws IOException, StunException {
        StunMessage sent = StunMessage.parse(request, 0, request.length);
        byte[] buffer = new byte[1500];
        for (int attempt = 0; attempt < 10; attempt++) {
            socket.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), port));
            try {
                for (int reply = 0; reply < 10; reply++) {
                    DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
                    socket.receive(datagram);
                    StunMessage answer = StunMessage.parse(datagram.getData(), 0, datagram.getLength());
                    if (Arrays.equals(answer.transactionId(), sent.transactionId())) {
                        return answer;
                    }
                }
            } catch (SocketTimeoutException e) {
                // Not up yet, or the datagram was lost: ask again.
            }
        }
        throw new IOException("the TURN server on port " + port + " did not answer");
    }

    private static int errorCode(StunMessage message) {
        byte[] value = message.value(StunMessage.ERROR_CODE);
        return (value[2] & 0x07) * 100 + (value[3] & 0xff);
    }
}
