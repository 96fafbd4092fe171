package io.livekit.agents.devserver.internal.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.livekit.agents.devserver.internal.proto.ProtoJson;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * A WebSocket that carries LiveKit protobuf messages, server side: binary frames are protobuf; a text frame is
 * protojson and switches the answers to JSON until the next binary frame, as LiveKit's server does. Answers the
 * peer's pings and close handshake. Bad input (an undecodable message, one over the size limit, an unexpected frame
 * type) is a {@linkplain #protocolError protocol error} that closes this connection with a reason.
 *
 * <p>Threads: frames are decoded on the connection's event loop; {@link #send}, {@link #close} and {@link #abort} may
 * be called from any thread.
 *
 * @param <M> the message type peers send
 */
public abstract class ProtoWebSocket<M extends Message> extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger LOG = LoggerFactory.getLogger(ProtoWebSocket.class);

    private final String peer;
    private final String remote;
    private final int maxMessageBytes;
    private final Supplier<Message.Builder> builders;
    private volatile Channel channel;
    private volatile boolean json;
    private volatile boolean closeSent;
    private volatile String closeReason;

    /**
     * @param peer            who is on the other end, for reasons and logs ("worker", "client")
     * @param remote          the peer's address
     * @param maxMessageBytes the size limit the decoder was configured with (for the reason text)
     * @param builders        new builders of the message type
     */
    protected ProtoWebSocket(String peer, String remote, int maxMessageBytes, Supplier<Message.Builder> builders) {
        this.peer = peer;
        this.remote = remote;
        this.maxMessageBytes = maxMessageBytes;
        this.builders = builders;
    }

    /** A decoded message, on the connection's event loop. */
    protected abstract void onMessage(M message);

    /**
     * The peer sent something this server cannot take: by default the connection is closed with {@code code} and
     * {@code reason}. Event loop.
     */
    protected void protocolError(int code, String reason) {
        close(code, reason);
    }

    /** The peer's address. */
    public String remote() {
        return remote;
    }

    /** Why the connection ended or is ending, or {@code null} while it is open. */
    protected String closeReason() {
        return closeReason;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        super.handlerAdded(ctx);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (closeSent && !(frame instanceof CloseWebSocketFrame)) {
            return; // closing: only the peer's close frame matters now
        }
        if (frame instanceof BinaryWebSocketFrame) {
            json = false;
            Message.Builder b = builders.get();
            try {
                b.mergeFrom(bytes(frame));
            } catch (InvalidProtocolBufferException e) {
                rejected(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(),
                        "proto: cannot parse invalid wire-format data (" + e.getMessage() + ")");
                return;
            }
            onMessage((M) b.build());
        } else if (frame instanceof TextWebSocketFrame text) {
            json = true;
            Message.Builder b = builders.get();
            try {
                ProtoJson.merge(text.text(), b);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                rejected(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(),
                        "invalid protojson " + peer + " message (" + e.getMessage() + ")");
                return;
            }
            onMessage((M) b.build());
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            if (closeSent) {
                ctx.close(); // the peer answered our close
                return;
            }
            closeReason = "the " + peer + " closed the connection ("
                    + (close.statusCode() > 0 ? "status " + close.statusCode() : "no status")
                    + (close.reasonText().isEmpty() ? "" : ", " + close.reasonText()) + ")";
            closeSent = true;
            int code = close.statusCode() > 0 ? close.statusCode() : WebSocketCloseStatus.NORMAL_CLOSURE.code();
            ctx.writeAndFlush(new CloseWebSocketFrame(code, "")).addListener(ChannelFutureListener.CLOSE);
        } else if (!(frame instanceof PongWebSocketFrame)) {
            rejected(WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code(),
                    "unsupported WebSocket frame " + frame.getClass().getSimpleName());
        }
    }

    private static byte[] bytes(WebSocketFrame frame) {
        byte[] b = new byte[frame.content().readableBytes()];
        frame.content().getBytes(frame.content().readerIndex(), b);
        return b;
    }

    private void rejected(int code, String reason) {
        LOG.info("{} connection from {}: {}", peer, remote, reason);
        if (closeReason == null) {
            closeReason = reason;
        }
        protocolError(code, reason);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException c) {
            // the decoder now drops everything it reads, so the rest of a huge frame is discarded
            rejected(c.closeStatus().code(), c.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG
                    ? "message larger than the " + maxMessageBytes + "-byte limit"
                    : "invalid WebSocket frame: " + c.getMessage());
        } else if (cause instanceof TooLongFrameException) {
            rejected(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(),
                    "message larger than the " + maxMessageBytes + "-byte limit");
        } else {
            LOG.debug("{} connection from {} failed: {}", peer, remote, cause.toString());
            if (closeReason == null) {
                closeReason = "connection error: " + cause;
            }
            ctx.close();
        }
    }

    /** Sends a message (dropped once the connection is closing). Any thread. */
    public void send(Message message) {
        Channel ch = channel;
        if (ch == null || !ch.isActive() || closeSent) {
            return;
        }
        if (json) {
            ch.writeAndFlush(new TextWebSocketFrame(ProtoJson.print(message, false)));
        } else {
            ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.toByteArray())));
        }
    }

    /** Sends a close frame with a reason and closes the connection (gracefully, see {@link WebSockets}). Any thread. */
    public void close(int code, String reason) {
        Channel ch = channel;
        if (closeReason == null) {
            closeReason = reason;
        }
        if (ch == null || !ch.isActive() || closeSent) {
            return;
        }
        closeSent = true;
        WebSockets.closeGracefully(ch, code, reason);
    }

    /** Drops the TCP connection without a close frame, as a network failure would. Any thread. */
    public void abort(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    /** Whether the connection is open and not closing. */
    public boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive() && !closeSent;
    }

    /** Whether this side sent its close frame (or the peer's was answered). */
    protected boolean closing() {
        return closeSent;
    }

    /** Records why the connection ends, unless a reason is known already. */
    protected void closeReasonIfNone(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }
}
