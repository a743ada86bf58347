package io.hub.dhcp.probe;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/** A Java datagram channel bound to an address: the probe of an interface that has an IPv4 address, and tests. */
final class ChannelSocket implements ProbeSocket {

    private final DatagramChannel channel;
    private final Selector selector;

    private ChannelSocket(DatagramChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    /** @throws ProbeException when the address cannot be bound */
    static ChannelSocket bind(InetSocketAddress address) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_BROADCAST, true);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            try {
                channel.bind(address);
            } catch (BindException e) {
                throw new ProbeException("cannot bind UDP " + address.getAddress().getHostAddress() + ":"
                        + address.getPort() + " (" + e.getMessage() + "); is a DHCP client or server running here?");
            } catch (IOException e) {
                throw new ProbeException("cannot bind UDP port " + address.getPort() + ": " + e.getMessage());
            }
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            return new ChannelSocket(channel, selector);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void send(byte[] packet, InetSocketAddress destination) throws IOException {
        channel.send(ByteBuffer.wrap(packet), destination);
    }

    @Override
    public InetSocketAddress receive(ByteBuffer buffer, long millis) throws IOException {
        SocketAddress source = channel.receive(buffer.clear());
        if (source == null && millis > 0) {
            selector.select(millis);
            selector.selectedKeys().clear();
            source = channel.receive(buffer.clear());
        }
        return (InetSocketAddress) source;
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
