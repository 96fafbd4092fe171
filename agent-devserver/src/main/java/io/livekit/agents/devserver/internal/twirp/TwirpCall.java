package io.livekit.agents.devserver.internal.twirp;

import io.livekit.agents.internal.auth.VerifiedToken;

/**
 * One Twirp request's context: which method, and the caller's verified token ({@code null} when the request had
 * none). The grant checks mirror LiveKit's {@code EnsureCreatePermission}, {@code EnsureListPermission} and
 * {@code EnsureAdminPermission}; like LiveKit, a missing grant is reported as {@code unauthenticated} (401).
 */
public final class TwirpCall {

    private final String service;
    private final String method;
    private final VerifiedToken token;

    TwirpCall(String service, String method, VerifiedToken token) {
        this.service = service;
        this.method = method;
        this.token = token;
    }

    /** The caller's token, or {@code null}. */
    public VerifiedToken token() {
        return token;
    }

    /** Requires {@code video.<grant> == true}. */
    public void requireVideoGrant(String grant) throws TwirpException {
        if (token == null || !token.videoFlag(grant)) {
            throw TwirpException.unauthenticated("permissions denied: " + service + "/" + method
                    + " needs a token with video." + grant + "=true (" + has() + ")");
        }
    }

    /** Requires {@code video.roomAdmin == true} and {@code video.room == room}. */
    public void requireRoomAdmin(String room) throws TwirpException {
        if (token == null || !token.videoFlag("roomAdmin") || !room.equals(token.videoString("room"))) {
            throw TwirpException.unauthenticated("permissions denied: " + service + "/" + method
                    + " needs a token with video.roomAdmin=true and video.room='" + room + "' (" + has() + ")");
        }
    }

    private String has() {
        if (token == null) {
            return "the request had no token";
        }
        return "the token of API key '" + token.apiKey() + "' has video grants " + token.video();
    }
}
