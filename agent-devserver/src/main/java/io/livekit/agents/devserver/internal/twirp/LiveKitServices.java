package io.livekit.agents.devserver.internal.twirp;

import io.livekit.agents.devserver.internal.dispatch.Dispatcher;
import livekit.LivekitAgentDispatch.CreateAgentDispatchRequest;
import livekit.LivekitAgentDispatch.DeleteAgentDispatchRequest;
import livekit.LivekitAgentDispatch.ListAgentDispatchRequest;
import livekit.LivekitAgentDispatch.ListAgentDispatchResponse;
import livekit.LivekitRoom.CreateRoomRequest;
import livekit.LivekitRoom.DeleteRoomRequest;
import livekit.LivekitRoom.DeleteRoomResponse;
import livekit.LivekitRoom.ListParticipantsRequest;
import livekit.LivekitRoom.ListParticipantsResponse;
import livekit.LivekitRoom.ListRoomsRequest;
import livekit.LivekitRoom.ListRoomsResponse;

import java.util.List;

/**
 * LiveKit's {@code RoomService} (the room methods agents need) and {@code AgentDispatchService}, on the
 * {@link Dispatcher}, with the grants LiveKit's server demands for each method.
 */
public final class LiveKitServices {

    private LiveKitServices() {
    }

    /** {@code livekit.RoomService}: CreateRoom, ListRooms, DeleteRoom, ListParticipants. */
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
                })));
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
