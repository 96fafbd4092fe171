package io.livekit.agents.devserver.internal.dispatch;

import io.livekit.agents.internal.auth.LiveKitTokens;
import livekit.LivekitModels.ParticipantPermission;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The room token of an assigned job, built as LiveKit's {@code BuildAgentToken}: kind {@code agent}, valid 1 h,
 * {@code roomJoin}, {@code agent} and {@code room} grants plus the worker's registered permissions, and the
 * identity, name, metadata and attributes the worker accepted the job with.
 */
final class AgentTokens {

    private AgentTokens() {
    }

    static String build(String apiKey, String apiSecret, String room, String identity, String name, String metadata,
                        Map<String, String> attributes, ParticipantPermission permissions) {
        Map<String, Object> video = new LinkedHashMap<>();
        video.put("roomJoin", true);
        video.put("room", room);
        video.put("canPublish", permissions.getCanPublish());
        video.put("canSubscribe", permissions.getCanSubscribe());
        video.put("canPublishData", permissions.getCanPublishData());
        video.put("canUpdateOwnMetadata", permissions.getCanUpdateMetadata());
        video.put("canSubscribeMetrics", permissions.getCanSubscribeMetrics());
        if (permissions.getHidden()) {
            video.put("hidden", true);
        }
        video.put("agent", true);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("video", video);
        claims.put("kind", "agent");
        if (!name.isEmpty()) {
            claims.put("name", name);
        }
        if (!metadata.isEmpty()) {
            claims.put("metadata", metadata);
        }
        if (!attributes.isEmpty()) {
            claims.put("attributes", new LinkedHashMap<>(attributes));
        }
        return LiveKitTokens.sign(apiKey, apiSecret, identity, claims, LiveKitTokens.AGENT_JOB_TOKEN_TTL);
    }
}
