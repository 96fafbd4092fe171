package io.livekit.agents.devserver.internal.twirp;

import io.livekit.agents.devserver.internal.dispatch.Dispatcher;
import io.livekit.agents.devserver.internal.rtc.RtcRoom;
import livekit.LivekitAgentDispatch.CreateAgentDispatchRequest;
import livekit.LivekitAgentDispatch.DeleteAgentDispatchRequest;
import livekit.LivekitAgentDispatch.ListAgentDispatchRequest;
import livekit.LivekitAgentDispatch.ListAgentDispatchResponse;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitRoom.CreateRoomRequest;
import livekit.LivekitRoom.DeleteRoomRequest;
import livekit.LivekitRoom.DeleteRoomResponse;
import livekit.LivekitRoom.ListParticipantsRequest;
import livekit.LivekitRoom.ListParticipantsResponse;
import livekit.LivekitRoom.ListRoomsRequest;
import livekit.LivekitRoom.ListRoomsResponse;
import livekit.LivekitRoom.MuteRoomTrackRequest;
import livekit.LivekitRoom.MuteRoomTrackResponse;
import livekit.LivekitRoom.RemoveParticipantResponse;
import livekit.LivekitRoom.RoomParticipantIdentity;
import livekit.LivekitRoom.SendDataRequest;
import livekit.LivekitRoom.SendDataResponse;
import livekit.LivekitRoom.UpdateParticipantRequest;
import livekit.LivekitRoom.UpdateRoomMetadataRequest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * LiveKit's {@code RoomService} (the room methods agents need) and {@code AgentDispatchService}, on the
 * {@link Dispatcher}, with the grants LiveKit's server demands for each method.
 */
public final class LiveKitServices {

    private LiveKitServices() {
    }

    /**
     * {@code livekit.RoomService}: CreateRoom, ListRooms, DeleteRoom, ListParticipants, GetParticipant,
     * RemoveParticipant, MutePublishedTrack, UpdateParticipant, SendData and UpdateRoomMetadata.
     */
    public static TwirpService roomService(Dispatcher d) {
        return TwirpService.of("livekit.RoomService", List.of(
                new TwirpMethod("CreateRoom", CreateRoomRequest.getDefaultInstance(), (call, m) -> {
                    call.requireVideoGrant("roomCreate");
                    CreateRoomRequest req = (CreateRoomRequest) m;
                    return d.callAsync(() -> d.createRoom(req));
                }),
                new TwirpMethod("ListRooms", ListRoomsRequest.getDefaultInstance(), (call, m) -> {
                    call.requireVideoGrant("roomList");
                    ListRoomsRequest req = (ListRoomsRequest) m;
                    return d.callAsync(() -> ListRoomsResponse.newBuilder()
                            .addAllRooms(d.listRooms(req.getNamesList())).build());
                }),
                new TwirpMethod("DeleteRoom", DeleteRoomRequest.getDefaultInstance(), (call, m) -> {
                    call.requireVideoGrant("roomCreate");
                    DeleteRoomRequest req = (DeleteRoomRequest) m;
                    return d.callAsync(() -> {
                        d.deleteRoom(req.getRoom());
                        return DeleteRoomResponse.getDefaultInstance();
                    });
                }),
                new TwirpMethod("ListParticipants", ListParticipantsRequest.getDefaultInstance(), (call, m) -> {
                    ListParticipantsRequest req = (ListParticipantsRequest) m;
                    call.requireRoomAdmin(req.getRoom());
                    return d.callAsync(() -> ListParticipantsResponse.newBuilder()
                            .addAllParticipants(d.listParticipants(req.getRoom())).build());
                }),
                new TwirpMethod("GetParticipant", RoomParticipantIdentity.getDefaultInstance(), (call, m) -> {
                    RoomParticipantIdentity req = (RoomParticipantIdentity) m;
                    call.requireRoomAdmin(req.getRoom());
                    return d.callAsync(() -> d.participant(req.getRoom(), req.getIdentity()));
                }),
                new TwirpMethod("RemoveParticipant", RoomParticipantIdentity.getDefaultInstance(), (call, m) -> {
                    RoomParticipantIdentity req = (RoomParticipantIdentity) m;
                    call.requireRoomAdmin(req.getRoom());
                    return live(d, req.getRoom()).thenCompose(r -> r.removeParticipant(req.getIdentity(),
                            DisconnectReason.PARTICIPANT_REMOVED)).thenApply(p -> RemoveParticipantResponse.getDefaultInstance());
                }),
                new TwirpMethod("MutePublishedTrack", MuteRoomTrackRequest.getDefaultInstance(), (call, m) -> {
                    MuteRoomTrackRequest req = (MuteRoomTrackRequest) m;
                    call.requireRoomAdmin(req.getRoom());
                    if (!req.getMuted()) {
                        throw TwirpException.failedPrecondition("remote unmute is not enabled: as on LiveKit's server"
                                + " by default, only the publisher can unmute its track");
                    }
                    return live(d, req.getRoom()).thenCompose(r -> r.mutePublishedTrack(req.getIdentity(),
                            req.getTrackSid(), true)).thenApply(t -> MuteRoomTrackResponse.newBuilder().setTrack(t).build());
                }),
                new TwirpMethod("UpdateParticipant", UpdateParticipantRequest.getDefaultInstance(), (call, m) -> {
                    UpdateParticipantRequest req = (UpdateParticipantRequest) m;
                    call.requireRoomAdmin(req.getRoom());
                    return live(d, req.getRoom()).thenCompose(r -> r.updateParticipant(req.getIdentity(),
                            req.getName(), req.getMetadata(), req.getAttributesMap(),
                            req.hasPermission() ? req.getPermission() : null));
                }),
                new TwirpMethod("SendData", SendDataRequest.getDefaultInstance(), (call, m) -> {
                    SendDataRequest req = (SendDataRequest) m;
                    call.requireRoomAdmin(req.getRoom());
                    if (!req.getNonce().isEmpty() && req.getNonce().size() != 16) {
                        throw TwirpException.invalidArgument("nonce must be empty or 16 bytes, got "
                                + req.getNonce().size());
                    }
                    @SuppressWarnings("deprecation") // destination_sids: older server SDKs still send it
                    List<String> sids = req.getDestinationSidsList();
                    return live(d, req.getRoom()).thenCompose(r -> r.sendData(req.getData().toByteArray(),
                            req.getKind() != DataPacket.Kind.LOSSY, req.hasTopic() ? req.getTopic() : null,
                            req.getDestinationIdentitiesList(), sids, req.getNonce()))
                            .thenApply(v -> SendDataResponse.getDefaultInstance());
                }),
                new TwirpMethod("UpdateRoomMetadata", UpdateRoomMetadataRequest.getDefaultInstance(), (call, m) -> {
                    UpdateRoomMetadataRequest req = (UpdateRoomMetadataRequest) m;
                    call.requireRoomAdmin(req.getRoom());
                    return d.callAsync(() -> d.updateRoomMetadata(req.getRoom(), req.getMetadata()));
                })));
    }

    private static CompletableFuture<RtcRoom> live(Dispatcher d, String room) {
        return d.callAsync(() -> d.liveRoom(room));
    }

    /** {@code livekit.AgentDispatchService}: CreateDispatch, DeleteDispatch, ListDispatch. */
    public static TwirpService agentDispatchService(Dispatcher d) {
        return TwirpService.of("livekit.AgentDispatchService", List.of(
                new TwirpMethod("CreateDispatch", CreateAgentDispatchRequest.getDefaultInstance(), (call, m) -> {
                    CreateAgentDispatchRequest req = (CreateAgentDispatchRequest) m;
                    call.requireRoomAdmin(req.getRoom());
                    return d.callAsync(() -> d.createDispatch(req));
                }),
                new TwirpMethod("DeleteDispatch", DeleteAgentDispatchRequest.getDefaultInstance(), (call, m) -> {
                    DeleteAgentDispatchRequest req = (DeleteAgentDispatchRequest) m;
                    call.requireRoomAdmin(req.getRoom());
                    return d.callAsync(() -> d.deleteDispatch(req.getRoom(), req.getDispatchId()));
                }),
                new TwirpMethod("ListDispatch", ListAgentDispatchRequest.getDefaultInstance(), (call, m) -> {
                    ListAgentDispatchRequest req = (ListAgentDispatchRequest) m;
                    call.requireRoomAdmin(req.getRoom());
                    return d.callAsync(() -> ListAgentDispatchResponse.newBuilder()
                            .addAllAgentDispatches(d.listDispatches(req.getRoom(), req.getDispatchId())).build());
                })));
    }
}
