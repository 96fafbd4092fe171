package io.livekit.agents.devserver.internal.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import io.livekit.agents.devserver.internal.dispatch.Dispatcher;
import io.livekit.agents.devserver.internal.dispatch.WorkerLink;
import io.livekit.agents.devserver.internal.dispatch.WorkerSession;
import io.livekit.agents.devserver.internal.http.WebSockets;
import io.livekit.agents.devserver.internal.proto.ProtoJson;
import io.netty.buffer.ByteBuf;
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
import io.netty.util.concurrent.ScheduledFuture;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.WorkerMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One worker's WebSocket on {@code /agent}: decodes frames into {@link WorkerMessage}s for the {@link Dispatcher}
 * and encodes its {@link ServerMessage}s. Binary frames carry protobuf; a text frame (protojson) switches the
 * connection to JSON answers until the next binary frame, as LiveKit's server does. Sends a WebSocket ping every
 * ping interval and answers the peer's pings.
 */
final class AgentSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements WorkerLink {

    private static final Logger LOG = LoggerFactory.getLogger(AgentSocketHandler.class);

    private final Dispatcher dispatcher;
    private final Duration pingInterval;
    private final int maxMessageBytes;
    private final String remote;
    private volatile Channel channel;
    private volatile boolean json;
    private volatile String closeReason;
    private volatile boolean closeSent;
    private WorkerSession session;
    private ScheduledFuture<?> pinger;

    AgentSocketHandler(Dispatcher dispatcher, Duration pingInterval, int maxMessageBytes, String remote) {
        this.dispatcher = dispatcher;
        this.pingInterval = pingInterval;
        this.maxMessageBytes = maxMessageBytes;
        this.remote = remote;
    }

    void attach(WorkerSession session) {
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        dispatcher.connected(session);
        long ms = pingInterval.toMillis();
        if (ms > 0) {
            pinger = ctx.executor().scheduleAtFixedRate(() -> {
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
                }
            }, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (closeSent && !(frame instanceof CloseWebSocketFrame)) {
            return; // closing: only the peer's close frame matters now
        }
        if (frame instanceof BinaryWebSocketFrame) {
            json = false;
            ByteBuf data = frame.content();
            WorkerMessage msg;
            try {
                msg = WorkerMessage.parseFrom(data.nioBuffer());
            } catch (InvalidProtocolBufferException e) {
                protocolError(1007, "proto: cannot parse invalid wire-format data (" + e.getMessage() + ")");
                return;
            }
            dispatcher.received(session, msg);
        } else if (frame instanceof TextWebSocketFrame text) {
            json = true;
            WorkerMessage.Builder b = WorkerMessage.newBuilder();
            try {
                ProtoJson.merge(text.text(), b);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                protocolError(1007, "invalid protojson worker message (" + e.getMessage() + ")");
                return;
            }
            dispatcher.received(session, b.build());
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            if (closeSent) {
                ctx.close(); // the peer answered our close
                return;
            }
            closeReason = "the worker closed the connection ("
                    + (close.statusCode() > 0 ? "status " + close.statusCode() : "no status")
                    + (close.reasonText().isEmpty() ? "" : ", " + close.reasonText()) + ")";
            closeSent = true;
            int code = close.statusCode() > 0 ? close.statusCode() : WebSocketCloseStatus.NORMAL_CLOSURE.code();
            ctx.writeAndFlush(new CloseWebSocketFrame(code, "")).addListener(ChannelFutureListener.CLOSE);
        } else if (!(frame instanceof PongWebSocketFrame)) {
            protocolError(1003, "unsupported WebSocket frame " + frame.getClass().getSimpleName());
        }
    }

    private void protocolError(int code, String reason) {
        LOG.info("worker connection from {}: {}", remote, reason);
        dispatcher.protocolError(session, code, reason);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (pinger != null) {
            pinger.cancel(false);
        }
        String reason = closeReason;
        dispatcher.disconnected(session, reason != null ? reason : "connection lost");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String reason;
        int code;
        if (cause instanceof CorruptedWebSocketFrameException c) {
            // the decoder now drops everything it reads, so the rest of a huge frame is discarded
            code = c.closeStatus().code();
            reason = c.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG
                    ? "message larger than the " + maxMessageBytes + "-byte limit"
                    : "invalid WebSocket frame: " + c.getMessage();
        } else if (cause instanceof TooLongFrameException) {
            code = WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
            reason = "message larger than the " + maxMessageBytes + "-byte limit";
        } else {
            LOG.debug("worker connection from {} failed: {}", remote, cause.toString());
            closeReason = "connection error: " + cause;
            ctx.close();
            return;
        }
        LOG.info("worker connection from {}: {}", remote, reason);
        closeReason = reason;
        close(code, reason);
        dispatcher.protocolError(session, code, reason);
    }

    // ---- WorkerLink (any thread) ----

    @Override
    public void send(ServerMessage message) {
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

    @Override
    public void close(int code, String reason) {
        Channel ch = channel;
        if (closeReason == null) {
            closeReason = reason;
        }
        if (ch == null || !ch.isActive()) {
            return;
        }
        if (closeSent) {
            return;
        }
        closeSent = true;
        WebSockets.closeGracefully(ch, code, reason);
    }

    @Override
    public String remoteAddress() {
        return remote;
    }
}
