package io.livekit.agents.devserver.internal.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** WebSocket helpers shared by the server's socket handlers. */
public final class WebSockets {

    /** How long to wait for the peer's close frame after sending ours. */
    public static final long CLOSE_GRACE_MILLIS = 2000;

    private WebSockets() {
    }

    /**
     * Sends a close frame and closes the socket when the peer answers or after {@link #CLOSE_GRACE_MILLIS}. Closing
     * at once could reset the connection while the peer is still writing, and it would never see the reason.
     */
    public static void closeGracefully(Channel ch, int code, String reason) {
        ch.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason)));
        ch.eventLoop().schedule(() -> {
            ch.close();
        }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Whether a request asks for a WebSocket upgrade. */
    public static boolean isUpgrade(HttpRequest req) {
        return req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /**
     * Upgrades the connection of {@code ctx} (the router's handler) to a WebSocket whose messages are aggregated up to
     * {@code maxMessageBytes} and handed to {@code handlers}, added after the aggregator in order. Answers 426 and
     * returns false for a WebSocket version this server does not speak.
     */
    public static boolean upgrade(ChannelHandlerContext ctx, FullHttpRequest req, String path, int maxMessageBytes,
                                  ChannelHandler... handlers) {
        String host = req.headers().get(HttpHeaderNames.HOST, "localhost");
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://" + host + path, null,
                WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(maxMessageBytes)
                        .allowExtensions(false)
                        .allowMaskMismatch(true)
                        .closeOnProtocolViolation(false)
                        .build()).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return false;
        }
        handshaker.handshake(ctx.channel(), req);
        ctx.pipeline().replace(ctx.handler(), "ws-aggregator", new WebSocketFrameAggregator(maxMessageBytes));
        ctx.pipeline().addLast(handlers);
        return true;
    }

    /** A peer's address as {@code host:port}. */
    public static String describe(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getHostString() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    /** A close frame's reason holds at most 123 bytes of UTF-8. */
    public static String truncate(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 123) {
            return reason;
        }
        int n = 120;
        while (n > 0 && (b[n] & 0xC0) == 0x80) {
            n--;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8) + "...";
    }
}
