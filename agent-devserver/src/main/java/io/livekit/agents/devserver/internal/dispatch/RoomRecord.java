package io.livekit.agents.devserver.internal.dispatch;

import io.livekit.agents.devserver.internal.rtc.RtcRoom;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A room: its proto, its dispatches, its live part (signalling and media, once someone joined) and the dispatcher's
 * view of its participants. Dispatch thread only.
 */
final class RoomRecord {

    final Room.Builder room;
    final Map<String, DispatchRecord> dispatches = new LinkedHashMap<>();
    /** Participants by sid, as the live room last reported them. */
    final Map<String, ParticipantInfo> participants = new LinkedHashMap<>();
    /** Identities that published since they joined: their first publication launched the publisher jobs. */
    final Set<String> published = new HashSet<>();
    /** The live room, made on the first join; {@code null} before, and after the server stopped. */
    RtcRoom rtc;
    /** Unix ms of the first join and the last departure of a participant that keeps the room open; 0 when none. */
    long firstJoinedAtMillis;
    long lastLeftAtMillis;
    /** Unix ms of the last admitted join, so a room is not closed under a participant that is connecting. */
    long lastAdmittedAtMillis;

    RoomRecord(Room.Builder room) {
        this.room = room;
    }

    String name() {
        return room.getName();
    }

    Room toProto() {
        int publishers = 0;
        for (ParticipantInfo p : participants.values()) {
            if (p.getIsPublisher()) {
                publishers++;
            }
        }
        return room.clone()
                .setNumParticipants(participants.size())
                .setNumPublishers(publishers)
                .build();
    }
}
