package io.livekit.agents.devserver.internal.dispatch;

import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;

import java.util.LinkedHashMap;
import java.util.Map;

/** A room: its proto, its dispatches and (once {@code /rtc} exists) its participants. Dispatch thread only. */
final class RoomRecord {

    final Room.Builder room;
    final Map<String, DispatchRecord> dispatches = new LinkedHashMap<>();
    /** Participants by identity. Empty until the room signalling endpoint fills it. */
    final Map<String, ParticipantInfo> participants = new LinkedHashMap<>();
    /** Unix ms of the first join and the last leave; 0 when none yet. */
    long firstJoinedAtMillis;
    long lastLeftAtMillis;

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
