package io.livekit.agents.devserver.internal.rtc;

import io.livekit.agents.devserver.internal.auth.RequestAuth;
import io.livekit.agents.devserver.internal.dispatch.Dispatcher;
import io.livekit.agents.devserver.internal.http.HttpResponses;
import io.livekit.agents.devserver.internal.http.HttpRoute;
import io.livekit.agents.devserver.internal.http.WebSockets;
import io.livekit.agents.internal.auth.TokenException;
import io.livekit.agents.internal.auth.VerifiedToken;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.SignalRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The room signalling endpoints, as LiveKit's {@code rtcservice.go} serves them for clients of protocol v0:
 * <ul>
 *   <li>{@code /rtc}: a WebSocket upgrade; the token ({@code Authorization: Bearer} or {@code access_token}) and the
 *       join are checked before upgrading, and a refusal is an HTTP status with the reason as text (401 for a bad or
 *       missing token or grant, 400 for a token without identity or room, 404 for a missing room when rooms are not
 *       created on join, 403 for a full room). A non-upgrade request gets 404.</li>
 *   <li>{@code /rtc/validate}: the same checks, answered {@code 200 success} or with the refusal.</li>
 *   <li>{@code /rtc/v1} and {@code /rtc/v1/validate}: 404 (the single peer connection protocol is not served), so
 *       current clients, which try it first, fall back to {@code /rtc}. The body never says "requested room does
 *       not exist", which would stop the browser SDK's fallback.</li>
 * </ul>
 * Every answer may be read from any web origin. A resume ({@code reconnect=1&sid=...}) of a session the server does
 * not know is upgraded and answered with Leave{STATE_MISMATCH, RECONNECT}, which makes the client rejoin.
 */
public final class RtcRoute implements HttpRoute {

    /** The paths this route serves. */
    public static final List<String> PATHS = List.of("/rtc", "/rtc/validate", "/rtc/v1", "/rtc/v1/validate");

    private static final Logger LOG = LoggerFactory.getLogger(RtcRoute.class);
    private static final String V1_NOT_SERVED = "signal protocol v1 (single peer connection) is not served by this"
            + " LiveKit dev server; clients fall back to /rtc";
    private static final SignalSocket.Receiver IGNORE = new SignalSocket.Receiver() {
        @Override
        public void onRequest(SignalSocket socket, SignalRequest request) {
        }

        @Override
        public void onClosed(SignalSocket socket, String reason) {
        }
    };

    private final Dispatcher dispatcher;
    private final RequestAuth auth;
    private final RtcMedia media;
    private final RtcSettings settings;

    /**
     * @param dispatcher admits joins and owns the rooms
     * @param auth       the token checks
     * @param media      the WebRTC stack (checked before a join is admitted)
     * @param settings   the signalling configuration
     */
    public RtcRoute(Dispatcher dispatcher, RequestAuth auth, RtcMedia media, RtcSettings settings) {
        this.dispatcher = dispatcher;
        this.auth = auth;
        this.media = media;
        this.settings = settings;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (path.startsWith("/rtc/v1")) {
            HttpResponses.textAnyOrigin(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, V1_NOT_SERVED);
            return;
        }
        boolean validate = path.equals("/rtc/validate");
        if (!validate && !WebSockets.isUpgrade(req)) {
            HttpResponses.textAnyOrigin(ctx, keepAlive, HttpResponseStatus.NOT_FOUND,
                    "/rtc only accepts WebSocket upgrades from room clients");
            return;
        }
        if (!HttpMethod.GET.equals(req.method())) {
            HttpResponses.textAnyOrigin(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
            return;
        }
        String remote = WebSockets.describe(ctx.channel().remoteAddress());
        Map<String, List<String>> q = new QueryStringDecoder(req.uri()).parameters();
        JoinGrant grant;
        try {
            VerifiedToken token = auth.authenticate(req);
            if (token == null) {
                refuse(ctx, keepAlive, remote, 401, "no access token: pass it as 'Authorization: Bearer <JWT>' or"
                        + " as the access_token query parameter");
                return;
            }
            grant = JoinGrant.of(token);
        } catch (TokenException e) {
            refuse(ctx, keepAlive, remote, 401, "invalid token: " + e.getMessage());
            return;
        } catch (JoinGrant.Refused e) {
            refuse(ctx, keepAlive, remote, e.status(), e.getMessage());
            return;
        }
        if (!param(q, "join_request").isEmpty()) {
            refuse(ctx, keepAlive, remote, 400, "join_request (single peer connection mode) is not supported by"
                    + " this dev server; connect to /rtc with the classic query parameters");
            return;
        }
        boolean resume = flag(q, "reconnect", false);
        String resumeSid = param(q, "sid");
        if (resume && resumeSid.isEmpty()) {
            refuse(ctx, keepAlive, remote, 400, "reconnect=1 needs the sid of the participant to resume");
            return;
        }
        String unavailable = media.unavailableReason();
        if (unavailable != null) {
            refuse(ctx, keepAlive, remote, 500, unavailable);
            return;
        }
        RtcRoom.JoinParams params = new RtcRoom.JoinParams(flag(q, "auto_subscribe", true), integer(q, "protocol"),
                integer(q, "client_protocol"), resume, resumeSid, remote);
        req.retain();
        dispatcher.callAsync(() -> dispatcher.admitJoin(grant, resume, validate)).whenComplete((admission, err) ->
                ctx.executor().execute(() -> {
                    try {
                        admitted(ctx, req, keepAlive, validate, grant, params, admission, err);
                    } finally {
                        req.release();
                    }
                }));
    }

    private void admitted(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive, boolean validate,
                          JoinGrant grant, RtcRoom.JoinParams params, Dispatcher.Admission admission, Throwable err) {
        Channel ch = ctx.channel();
        if (!ch.isActive()) {
            return;
        }
        if (err != null) {
            LOG.warn("admitting a join to room '{}' failed", grant.room(), err);
            HttpResponses.textAnyOrigin(ctx, false, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "the dev server could not admit the join: " + err);
            return;
        }
        if (admission.refused()) {
            refuse(ctx, keepAlive, params.remote(), admission.status(), admission.error());
            return;
        }
        if (validate) {
            HttpResponses.textAnyOrigin(ctx, keepAlive, HttpResponseStatus.OK, "success");
            return;
        }
        RtcRoom room = admission.room();
        SignalSocket socket = room != null ? room.newSocket(params.remote())
                : new SignalSocket(IGNORE, params.remote(), settings.maxMessageBytes());
        int idleSeconds = settings.pingTimeout() + settings.pingInterval();
        if (!WebSockets.upgrade(ctx, req, "/rtc", settings.maxMessageBytes(),
                new IdleStateHandler(idleSeconds, 0, 0, TimeUnit.SECONDS), socket)) {
            return;
        }
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1 << 20, 4 << 20));
        if (room == null) {
            // a resume into a room this server has no live state for (it restarted, or the room closed)
            LOG.info("declining the resume of {} in room '{}': the server does not know the session", grant.identity(),
                    grant.room());
            socket.leave(DisconnectReason.STATE_MISMATCH, LeaveRequest.Action.RECONNECT);
            return;
        }
        room.join(socket, grant, params);
    }

    private void refuse(ChannelHandlerContext ctx, boolean keepAlive, String remote, int status, String reason) {
        LOG.info("refused a room connection from {}: {} {}", remote, status, reason);
        HttpResponses.textAnyOrigin(ctx, keepAlive, HttpResponseStatus.valueOf(status), reason);
    }

    private static String param(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    private static boolean flag(Map<String, List<String>> q, String name, boolean dflt) {
        String v = param(q, name);
        if (v.isEmpty()) {
            return dflt;
        }
        return v.equals("1") || v.equalsIgnoreCase("true");
    }

    private static int integer(Map<String, List<String>> q, String name) {
        try {
            return Integer.parseInt(param(q, name));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
