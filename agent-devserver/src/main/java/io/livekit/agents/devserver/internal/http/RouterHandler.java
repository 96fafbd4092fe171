package io.livekit.agents.devserver.internal.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands each aggregated HTTP request to the route of its path; unknown paths get 404. */
final class RouterHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(RouterHandler.class);

    private final Router router;

    RouterHandler(Router router) {
        this.router = router;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            HttpResponses.text(ctx, false, HttpResponseStatus.BAD_REQUEST,
                    "malformed HTTP request: " + req.decoderResult().cause());
            return;
        }
        String path;
        try {
            // as LiveKit's RemoveDoubleSlashes: SDKs that append "rtc" to a URL ending in '/' ask for "//rtc"
            path = new QueryStringDecoder(req.uri()).path().replaceAll("/{2,}", "/");
        } catch (IllegalArgumentException e) {
            HttpResponses.text(ctx, false, HttpResponseStatus.BAD_REQUEST, "malformed request URI: " + e.getMessage());
            return;
        }
        HttpRoute route = router.match(path);
        if (route == null) {
            HttpResponses.text(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "404 page not found");
            return;
        }
        try {
            route.handle(ctx, req, path);
        } catch (Exception e) {
            LOG.warn("request {} {} failed", req.method(), path, e);
            if (ctx.channel().isActive()) {
                HttpResponses.text(ctx, false, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
