package io.livekit.agents.devserver.internal.agent;

import io.livekit.agents.devserver.internal.auth.RequestAuth;
import io.livekit.agents.devserver.internal.dispatch.Dispatcher;
import io.livekit.agents.devserver.internal.dispatch.WorkerSession;
import io.livekit.agents.devserver.internal.http.HttpResponses;
import io.livekit.agents.devserver.internal.http.HttpRoute;
import io.livekit.agents.devserver.internal.http.WebSockets;
import io.livekit.agents.internal.auth.TokenException;
import io.livekit.agents.internal.auth.VerifiedToken;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * {@code /agent}: the worker endpoint. Refuses anything but a WebSocket upgrade (404), checks the token at the
 * upgrade as LiveKit's {@code AgentSocketUpgrader} (401 with the reason for a missing, malformed, expired or
 * foreign token, or one without {@code video.agent}), then hands the connection to an {@link AgentSocketHandler}.
 */
public final class AgentRoute implements HttpRoute {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRoute.class);

    private final Dispatcher dispatcher;
    private final RequestAuth auth;
    private final Duration pingInterval;
    private final int maxMessageBytes;

    /**
     * @param dispatcher      where workers' messages go
     * @param auth            the token checks
     * @param pingInterval    how often to send WebSocket pings (0 for never)
     * @param maxMessageBytes the largest message accepted; larger ones end the connection
     */
    public AgentRoute(Dispatcher dispatcher, RequestAuth auth, Duration pingInterval, int maxMessageBytes) {
        this.dispatcher = dispatcher;
        this.auth = auth;
        this.pingInterval = pingInterval;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        String remote = WebSockets.describe(ctx.channel().remoteAddress());
        if (!WebSockets.isUpgrade(req)) {
            HttpResponses.text(ctx, HttpUtil.isKeepAlive(req), HttpResponseStatus.NOT_FOUND,
                    "/agent only accepts WebSocket upgrades from agent workers");
            return;
        }
        VerifiedToken token;
        try {
            token = auth.authenticate(req);
        } catch (TokenException e) {
            refuse(ctx, remote, "invalid authorization token: " + e.getMessage());
            return;
        }
        if (token == null) {
            refuse(ctx, remote, "no access token: connect with 'Authorization: Bearer <JWT>' whose grants"
                    + " include video.agent=true");
            return;
        }
        if (!token.videoFlag("agent")) {
            refuse(ctx, remote, "permission denied: the token of API key '" + token.apiKey()
                    + "' has no video.agent grant; worker tokens need {\"video\":{\"agent\":true}}");
            return;
        }
        int protocol = 1;
        List<String> p = new QueryStringDecoder(req.uri()).parameters().get("protocol");
        if (p != null && !p.isEmpty()) {
            try {
                protocol = Integer.parseInt(p.get(0));
            } catch (NumberFormatException ignored) {
                // like LiveKit: an unparsable value means the current protocol
            }
        }
        AgentSocketHandler handler = new AgentSocketHandler(dispatcher, pingInterval, maxMessageBytes, remote);
        handler.attach(new WorkerSession(handler, token.apiKey(), auth.secretFor(token.apiKey()), protocol));
        WebSockets.upgrade(ctx, req, path, maxMessageBytes, handler);
    }

    private void refuse(ChannelHandlerContext ctx, String remote, String reason) {
        LOG.info("refused worker connection from {}: {}", remote, reason);
        HttpResponses.text(ctx, false, HttpResponseStatus.UNAUTHORIZED, reason);
        dispatcher.connectionRefused(remote, reason);
    }
}
