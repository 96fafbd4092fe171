package io.livekit.agents.devserver.internal.auth;

import io.livekit.agents.internal.auth.LiveKitTokens;
import io.livekit.agents.internal.auth.TokenException;
import io.livekit.agents.internal.auth.VerifiedToken;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads and checks the access token of an HTTP request the way LiveKit's auth middleware does: an
 * {@code Authorization} header, which must then start with {@code Bearer }, or else an {@code access_token} query
 * parameter. A request without either is anonymous (it has no grants); a bad token is refused.
 */
public final class RequestAuth {

    private static final String BEARER = "Bearer ";

    private final Function<String, String> secretForKey;

    /** @param keys API key to secret */
    public RequestAuth(Map<String, String> keys) {
        Map<String, String> copy = Map.copyOf(keys);
        this.secretForKey = copy::get;
    }

    /** The secret of an API key, or {@code null}. */
    public String secretFor(String apiKey) {
        return secretForKey.apply(apiKey);
    }

    /**
     * Checks a request's token.
     *
     * @return the verified token, or {@code null} when the request carries none
     * @throws TokenException when a token (or the header) is present but refused; the message names the cause
     */
    public VerifiedToken authenticate(HttpRequest req) throws TokenException {
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        String token;
        if (header != null && !header.isEmpty()) {
            if (!header.startsWith(BEARER)) {
                throw new TokenException(TokenException.Reason.MALFORMED,
                        "invalid authorization header: it must start with 'Bearer '");
            }
            token = header.substring(BEARER.length()).trim();
        } else {
            List<String> q = new QueryStringDecoder(req.uri()).parameters().get("access_token");
            token = q == null || q.isEmpty() ? "" : q.get(0);
        }
        if (token.isEmpty()) {
            return null;
        }
        return LiveKitTokens.verify(token, secretForKey);
    }
}
