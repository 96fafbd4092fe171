package io.livekit.agents.devserver.internal.twirp;

import com.google.protobuf.Message;

import java.util.concurrent.CompletableFuture;

/**
 * One Twirp method: its name, its request type and its implementation.
 *
 * @param name    the method name ({@code CreateRoom})
 * @param request the request type's default instance (to parse bodies)
 * @param handler the implementation
 */
public record TwirpMethod(String name, Message request, Handler handler) {

    /** Implements a method. Called on an I/O thread; must not block (hand work off and complete the future). */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param call    the call's context, for grant checks
         * @param request the parsed request, of the method's request type
         * @return the response; a {@link TwirpException} or
         *         {@link io.livekit.agents.devserver.DevServerException} completes it exceptionally
         */
        CompletableFuture<? extends Message> handle(TwirpCall call, Message request) throws TwirpException;
    }
}
