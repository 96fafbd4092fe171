package io.livekit.agents.devserver.internal.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Serves the requests of one path (or path prefix). Called on the connection's event loop; the request is released
 * when the call returns, so a route that answers later must read what it needs first. A route may take the
 * connection over (a WebSocket upgrade) by changing the pipeline.
 */
@FunctionalInterface
public interface HttpRoute {

    /**
     * Handles one request.
     *
     * @param ctx  the context of the router handler in the connection's pipeline
     * @param req  the aggregated request
     * @param path the decoded path without the query string
     */
    void handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) throws Exception;
}
