package io.livekit.agents.devserver.internal.twirp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.livekit.agents.devserver.DevServerException;
import io.livekit.agents.devserver.internal.auth.RequestAuth;
import io.livekit.agents.devserver.internal.http.HttpResponses;
import io.livekit.agents.devserver.internal.http.HttpRoute;
import io.livekit.agents.devserver.internal.proto.ProtoJson;
import io.livekit.agents.internal.auth.TokenException;
import io.livekit.agents.internal.auth.VerifiedToken;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Twirp over HTTP/1.1 at {@code POST /twirp/<service>/<method>}: protobuf ({@code application/protobuf}) or
 * protojson ({@code application/json}) bodies, answered in the request's type; errors as Twirp JSON
 * ({@code {"code":..., "msg":...}}) with the matching HTTP status. Services can be added at any time.
 */
public final class TwirpRoute implements HttpRoute {

    /** The path prefix of every Twirp route. */
    public static final String PREFIX = "/twirp/";

    private static final Logger LOG = LoggerFactory.getLogger(TwirpRoute.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JSON = "application/json";
    private static final String PROTOBUF = "application/protobuf";

    private final Map<String, TwirpService> services = new ConcurrentHashMap<>();
    private final RequestAuth auth;

    /** @param auth the token checks */
    public TwirpRoute(RequestAuth auth) {
        this.auth = auth;
    }

    /** Serves a service (replacing one of the same name). */
    public TwirpRoute add(TwirpService service) {
        services.put(service.name(), service);
        return this;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String contentType = mediaType(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
        boolean json = !PROTOBUF.equals(contentType);
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        String service = parts.length > 0 ? parts[0] : "";
        String methodName = parts.length > 1 ? parts[1] : "";
        try {
            if (parts.length != 2) {
                throw TwirpException.badRoute("no handler for path " + path);
            }
            if (!HttpMethod.POST.equals(req.method())) {
                throw TwirpException.badRoute("unsupported method " + req.method() + " (only POST is allowed)");
            }
            TwirpService s = services.get(service);
            TwirpMethod m = s == null ? null : s.methods().get(methodName);
            if (m == null) {
                throw TwirpException.badRoute("no handler for path " + path);
            }
            if (!JSON.equals(contentType) && !PROTOBUF.equals(contentType)) {
                throw TwirpException.badRoute("unexpected Content-Type: '" + contentType
                        + "' (use application/json or application/protobuf)");
            }
            VerifiedToken token;
            try {
                token = auth.authenticate(req);
            } catch (TokenException e) {
                throw TwirpException.unauthenticated("invalid authorization token: " + e.getMessage());
            }
            byte[] body = ByteBufUtil.getBytes(req.content());
            Message request;
            try {
                if (json) {
                    Message.Builder b = m.request().newBuilderForType();
                    ProtoJson.merge(body.length == 0 ? "{}" : new String(body, StandardCharsets.UTF_8), b);
                    request = b.build();
                } else {
                    request = m.request().getParserForType().parseFrom(body);
                }
            } catch (InvalidProtocolBufferException e) {
                throw TwirpException.malformed("the " + (json ? "json" : "protobuf") + " request could not be decoded: "
                        + e.getMessage());
            }
            CompletableFuture<? extends Message> result;
            try {
                result = m.handler().handle(new TwirpCall(service, methodName, token), request);
            } catch (DevServerException e) {
                throw TwirpException.of(e);
            }
            result.whenComplete((res, err) -> {
                if (err != null) {
                    replyError(ctx, keepAlive, service, methodName, unwrap(err));
                } else if (json) {
                    HttpResponses.send(ctx, keepAlive, HttpResponseStatus.OK, JSON,
                            Unpooled.copiedBuffer(ProtoJson.print(res, true), StandardCharsets.UTF_8), false);
                } else {
                    HttpResponses.send(ctx, keepAlive, HttpResponseStatus.OK, PROTOBUF,
                            Unpooled.wrappedBuffer(res.toByteArray()), false);
                }
            });
        } catch (TwirpException e) {
            replyError(ctx, keepAlive, service, methodName, e);
        }
    }

    private static TwirpException unwrap(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof TwirpException e) {
            return e;
        }
        if (c instanceof DevServerException e) {
            return TwirpException.of(e);
        }
        LOG.warn("Twirp handler failed", c);
        return TwirpException.internal(String.valueOf(c));
    }

    private static void replyError(ChannelHandlerContext ctx, boolean keepAlive, String service, String method,
                                   TwirpException e) {
        LOG.info("twirp {}/{}: {} {}", service, method, e.code(), e.getMessage());
        ObjectNode o = MAPPER.createObjectNode();
        o.put("code", e.code());
        o.put("msg", e.getMessage());
        HttpResponses.send(ctx, keepAlive, e.status(), JSON,
                Unpooled.copiedBuffer(o.toString(), StandardCharsets.UTF_8), false);
    }

    private static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
