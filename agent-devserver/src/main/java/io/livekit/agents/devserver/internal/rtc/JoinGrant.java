package io.livekit.agents.devserver.internal.rtc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.livekit.agents.devserver.internal.proto.ProtoJson;
import io.livekit.agents.internal.auth.VerifiedToken;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.ParticipantPermission;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitRoom.CreateRoomRequest;
import livekit.LivekitRoom.RoomConfiguration;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a room token allows, read the way LiveKit's server reads it ({@code auth/grants.go}): the room, identity,
 * name, metadata, attributes, kind, the participant permission ({@code canPublish} and {@code canSubscribe} default to
 * true, {@code canPublishData} to {@code canPublish}, {@code canUpdateOwnMetadata} to false), and the
 * {@code roomConfig} applied when the join creates the room.
 *
 * @param room        the room to join
 * @param identity    the participant identity
 * @param name        the display name
 * @param metadata    the participant metadata
 * @param attributes  the participant attributes
 * @param kind        the participant kind
 * @param permission  what the participant may do
 * @param roomConfig  the room to create when it does not exist, or {@code null} for the defaults
 */
public record JoinGrant(String room, String identity, String name, String metadata, Map<String, String> attributes,
                        ParticipantInfo.Kind kind, ParticipantPermission permission, CreateRoomRequest roomConfig) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A token that cannot join: {@code status} is the HTTP status to answer with. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        /** 401 for a missing grant, 400 for a token without identity or room. */
        public int status() {
            return status;
        }
    }

    /**
     * Reads a verified token.
     *
     * @throws Refused when it lacks {@code video.roomJoin} (401), an identity or a room name (400), or carries a
     *                 {@code roomConfig} that is not a RoomConfiguration (400)
     */
    @SuppressWarnings("deprecation") // the agent and recorder permissions still mark dependent participants
    public static JoinGrant of(VerifiedToken t) throws Refused {
        if (!t.videoFlag("roomJoin")) {
            throw new Refused(401, "permissions denied: the token has no video.roomJoin grant (grants: "
                    + t.video() + "); room tokens need {\"video\":{\"roomJoin\":true,\"room\":\"<room>\"}}");
        }
        String room = t.videoString("room");
        if (room.isEmpty()) {
            throw new Refused(400, "the token names no room: set video.room");
        }
        if (t.identity().isEmpty()) {
            throw new Refused(400, "the token has no identity: set its subject (sub) to the participant identity");
        }
        boolean canPublish = t.videoFlag("canPublish", true);
        ParticipantPermission.Builder p = ParticipantPermission.newBuilder()
                .setCanPublish(canPublish)
                .setCanSubscribe(t.videoFlag("canSubscribe", true))
                .setCanPublishData(t.videoFlag("canPublishData", canPublish))
                .setCanUpdateMetadata(t.videoFlag("canUpdateOwnMetadata", false))
                .setHidden(t.videoFlag("hidden"))
                .setRecorder(t.videoFlag("recorder"))
                .setAgent(t.videoFlag("agent"))
                .setCanSubscribeMetrics(t.videoFlag("canSubscribeMetrics"))
                .setCanManageAgentSession(t.videoFlag("canManageAgentSession"));
        Object sources = t.video().get("canPublishSources");
        if (sources instanceof List<?> list) {
            for (Object s : list) {
                TrackSource src = source(String.valueOf(s));
                if (src != null) {
                    p.addCanPublishSources(src);
                }
            }
        }
        CreateRoomRequest config = null;
        Object rc = t.claims().get("roomConfig");
        if (rc instanceof Map<?, ?> m) {
            try {
                RoomConfiguration.Builder b = RoomConfiguration.newBuilder();
                ProtoJson.merge(JSON.writeValueAsString(m), b);
                RoomConfiguration c = b.build();
                config = CreateRoomRequest.newBuilder()
                        .setName(room)
                        .setEmptyTimeout(c.getEmptyTimeout())
                        .setDepartureTimeout(c.getDepartureTimeout())
                        .setMaxParticipants(c.getMaxParticipants())
                        .setMetadata(c.getMetadata())
                        .addAllAgents(c.getAgentsList())
                        .build();
            } catch (InvalidProtocolBufferException | JsonProcessingException e) {
                throw new Refused(400, "the token's roomConfig is not a RoomConfiguration: " + e.getMessage());
            }
        }
        return new JoinGrant(room, t.identity(), t.string("name"), t.string("metadata"), t.attributes(),
                kind(t.string("kind")), p.build(), config);
    }

    /** A {@code kind} claim: lower-case {@code ParticipantInfo.Kind} names; anything else is a standard participant. */
    static ParticipantInfo.Kind kind(String claim) {
        return switch (claim.toLowerCase(Locale.ROOT)) {
            case "ingress" -> ParticipantInfo.Kind.INGRESS;
            case "egress" -> ParticipantInfo.Kind.EGRESS;
            case "sip" -> ParticipantInfo.Kind.SIP;
            case "agent" -> ParticipantInfo.Kind.AGENT;
            case "connector" -> ParticipantInfo.Kind.CONNECTOR;
            case "bridge" -> ParticipantInfo.Kind.BRIDGE;
            default -> ParticipantInfo.Kind.STANDARD;
        };
    }

    private static TrackSource source(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "camera" -> TrackSource.CAMERA;
            case "microphone" -> TrackSource.MICROPHONE;
            case "screen_share" -> TrackSource.SCREEN_SHARE;
            case "screen_share_audio" -> TrackSource.SCREEN_SHARE_AUDIO;
            default -> null;
        };
    }

    /** Whether {@code permission} allows publishing a track from {@code source}. */
    static boolean maySend(ParticipantPermission permission, TrackSource source) {
        if (!permission.getCanPublish()) {
            return false;
        }
        return permission.getCanPublishSourcesCount() == 0 || permission.getCanPublishSourcesList().contains(source);
    }
}
