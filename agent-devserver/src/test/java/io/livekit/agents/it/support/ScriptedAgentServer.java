package io.livekit.agents.it.support;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import livekit.LivekitAgent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deliberately misbehaving {@code /agent} server for robustness tests, on loopback: each connection is handed
 * to a {@link Script} (chosen by the connection's number) that decides what to send when the worker registers.
 * Records every message workers send.
 */
public final class ScriptedAgentServer implements AutoCloseable {

    /** What one connection does. Called on the server's event loop. */
    public interface Script {
        /** The worker sent {@code register}. */
        void onRegister(Channel channel);

        /** The worker sent anything else. */
        default void onMessage(Channel channel, LivekitAgent.WorkerMessage message) {
        }
    }

    /** Chooses the script of each connection, by its number (from 0). */
    public interface Scripts {
        Script forConnection(int index);
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();
    /** Every message received from workers, in order. */
    public final List<LivekitAgent.WorkerMessage> received = new CopyOnWriteArrayList<>();

    public ScriptedAgentServer(Scripts scripts) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Script script = scripts.forConnection(connections.getAndIncrement());
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/agent").maxFramePayloadLength(8 * 1024 * 1024).build()),
                                new SimpleChannelInboundHandler<WebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame)
                                            throws InvalidProtocolBufferException {
                                        if (!(frame instanceof BinaryWebSocketFrame)) {
                                            return;
                                        }
                                        LivekitAgent.WorkerMessage m = LivekitAgent.WorkerMessage.parseFrom(
                                                ByteBufUtil.getBytes(frame.content()));
                                        received.add(m);
                                        if (m.hasRegister()) {
                                            script.onRegister(ctx.channel());
                                        } else {
                                            script.onMessage(ctx.channel(), m);
                                        }
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    /** {@code ws://127.0.0.1:<port>}. */
    public String url() {
        return "ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Sends a server message. */
    public static void send(Channel ch, LivekitAgent.ServerMessage message) {
        sendBytes(ch, message.toByteArray());
    }

    /** Sends raw bytes in a binary frame. */
    public static void sendBytes(Channel ch, byte[] bytes) {
        ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
    }

    /** A proper registration answer. */
    public static LivekitAgent.ServerMessage registered(String workerId) {
        return LivekitAgent.ServerMessage.newBuilder().setRegister(LivekitAgent.RegisterWorkerResponse.newBuilder()
                .setWorkerId(workerId)).build();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
