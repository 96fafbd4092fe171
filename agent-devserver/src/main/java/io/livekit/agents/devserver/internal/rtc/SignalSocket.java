package io.livekit.agents.devserver.internal.rtc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.livekit.agents.devserver.internal.http.WebSockets;
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
import io.netty.handler.timeout.IdleStateEvent;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signalling WebSocket on {@code /rtc}: decodes {@link SignalRequest}s (binary protobuf; a text frame is
 * protojson and switches the answers to JSON until the next binary frame, as LiveKit's server does) and encodes
 * {@link SignalResponse}s. Bad input (an undecodable frame, a message over the size limit, an unexpected frame type)
 * closes this connection with a WebSocket close reason; nothing else is affected.
 *
 * <p>Threads: frames are decoded on the connection's event loop and handed to the {@link Receiver}, which must not
 * block; {@link #send}, {@link #close} and {@link #abort} may be called from any thread.
 */
final class SignalSocket extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger LOG = LoggerFactory.getLogger(SignalSocket.class);

    /** Where a socket's events go (called on the connection's event loop, one at a time). */
    interface Receiver {
        /** A decoded request. */
        void onRequest(SignalSocket socket, SignalRequest request);

        /** The connection ended (closed by either side, or lost); called once. */
        void onClosed(SignalSocket socket, String reason);
    }

    private final Receiver receiver;
    private final String remote;
    private final int maxMessageBytes;
    private volatile Channel channel;
    private volatile boolean json;
    private volatile boolean closeSent;
    private volatile String closeReason;
    private boolean reported;

    SignalSocket(Receiver receiver, String remote, int maxMessageBytes) {
        this.receiver = receiver;
        this.remote = remote;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The peer's address. */
    String remote() {
        return remote;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (closeSent && !(frame instanceof CloseWebSocketFrame)) {
            return;
        }
        if (frame instanceof BinaryWebSocketFrame) {
            json = false;
            SignalRequest req;
            try {
                req = SignalRequest.parseFrom(frame.content().nioBuffer());
            } catch (InvalidProtocolBufferException e) {
                protocolError(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(),
                        "cannot parse the signal request: invalid protobuf (" + e.getMessage() + ")");
                return;
            }
            receiver.onRequest(this, req);
        } else if (frame instanceof TextWebSocketFrame text) {
            json = true;
            SignalRequest.Builder b = SignalRequest.newBuilder();
            try {
                ProtoJson.merge(text.text(), b);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                protocolError(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(),
                        "cannot parse the signal request: invalid protojson (" + e.getMessage() + ")");
                return;
            }
            receiver.onRequest(this, b.build());
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            if (closeSent) {
                ctx.close();
                return;
            }
            closeReason = "the client closed the signalling connection ("
                    + (close.statusCode() > 0 ? "status " + close.statusCode() : "no status")
                    + (close.reasonText().isEmpty() ? "" : ", " + close.reasonText()) + ")";
            closeSent = true;
            int code = close.statusCode() > 0 ? close.statusCode() : WebSocketCloseStatus.NORMAL_CLOSURE.code();
            ctx.writeAndFlush(new CloseWebSocketFrame(code, "")).addListener(ChannelFutureListener.CLOSE);
        } else if (!(frame instanceof PongWebSocketFrame)) {
            protocolError(WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code(),
                    "unsupported WebSocket frame " + frame.getClass().getSimpleName());
        }
    }

    private void protocolError(int code, String reason) {
        LOG.info("signalling connection from {}: {}", remote, reason);
        close(code, reason);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            protocolError(WebSocketCloseStatus.POLICY_VIOLATION.code(),
                    "no signal message from the client within the ping timeout");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (!ctx.channel().isWritable() && !closeSent) {
            // the client stopped reading: do not queue its messages without bound
            LOG.info("signalling connection from {} is not reading; closing it", remote);
            closeReason = "the client stopped reading its signalling connection";
            ctx.close();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        report(closeReason != null ? closeReason : "signalling connection lost");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException c) {
            protocolError(c.closeStatus().code(), c.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG
                    ? "signal message larger than the " + maxMessageBytes + "-byte limit"
                    : "invalid WebSocket frame: " + c.getMessage());
        } else if (cause instanceof TooLongFrameException) {
            protocolError(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(),
                    "signal message larger than the " + maxMessageBytes + "-byte limit");
        } else {
            LOG.debug("signalling connection from {} failed: {}", remote, cause.toString());
            if (closeReason == null) {
                closeReason = "signalling connection error: " + cause;
            }
            ctx.close();
        }
    }

    private void report(String reason) {
        if (reported) {
            return;
        }
        reported = true;
        receiver.onClosed(this, reason);
    }

    /** Sends a response (dropped once the connection is closing). Any thread. */
    void send(SignalResponse response) {
        Channel ch = channel;
        if (ch == null || !ch.isActive() || closeSent) {
            return;
        }
        if (json) {
            ch.writeAndFlush(new TextWebSocketFrame(ProtoJson.print(response, false)));
        } else {
            ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(response.toByteArray())));
        }
    }

    /** Sends a close frame with a reason and closes the connection. Any thread. */
    void close(int code, String reason) {
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

    /** Sends {@code Leave} with a reason and an action, then closes the connection. Any thread. */
    void leave(DisconnectReason reason, LeaveRequest.Action action) {
        send(SignalResponse.newBuilder().setLeave(LeaveRequest.newBuilder()
                .setReason(reason).setAction(action).setCanReconnect(action != LeaveRequest.Action.DISCONNECT))
                .build());
        close(WebSocketCloseStatus.NORMAL_CLOSURE.code(), reason.name());
    }

    /** Drops the TCP connection without a close frame, as a network failure would. Any thread. */
    void abort(String reason) {
        Channel ch = channel;
        if (closeReason == null) {
            closeReason = reason;
        }
        if (ch != null) {
            ch.close();
        }
    }

    /** Whether the connection is still open and not closing. */
    boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive() && !closeSent;
    }

    @Override
    public String toString() {
        return "signal[" + remote + "]";
    }
}
