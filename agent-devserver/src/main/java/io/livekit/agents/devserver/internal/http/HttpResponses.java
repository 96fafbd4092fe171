package io.livekit.agents.devserver.internal.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** Writes complete HTTP responses, honouring keep-alive. Safe to call from any thread. */
public final class HttpResponses {

    private HttpResponses() {
    }

    /** A plain-text response ending in a newline. */
    public static ChannelFuture text(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String body) {
        return send(ctx, keepAlive, status, "text/plain; charset=utf-8",
                Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8), false);
    }

    /** A plain-text response ending in a newline, readable from any web origin (CORS {@code *}). */
    public static ChannelFuture textAnyOrigin(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
                                              String body) {
        return send(ctx, keepAlive, status, "text/plain; charset=utf-8",
                Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8), false, true);
    }

    /** A response with the given body and content type ({@code headOnly} sends the headers only). */
    public static ChannelFuture send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
                                     String contentType, ByteBuf body, boolean headOnly) {
        return send(ctx, keepAlive, status, contentType, body, headOnly, false);
    }

    private static ChannelFuture send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
                                      String contentType, ByteBuf body, boolean headOnly, boolean anyOrigin) {
        int length = body.readableBytes();
        FullHttpResponse res;
        if (headOnly) {
            body.release();
            res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        } else {
            res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        }
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        if (anyOrigin) {
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        }
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChannelFuture f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return f;
    }
}
