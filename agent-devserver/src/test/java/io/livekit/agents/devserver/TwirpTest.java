package io.livekit.agents.devserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.agents.devserver.internal.proto.NewerFields;
import io.livekit.agents.internal.auth.LiveKitTokens;
import livekit.LivekitAgent.AvailabilityRequest;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgentDispatch.AgentDispatch;
import livekit.LivekitAgentDispatch.CreateAgentDispatchRequest;
import livekit.LivekitAgentDispatch.ListAgentDispatchRequest;
import livekit.LivekitAgentDispatch.ListAgentDispatchResponse;
import livekit.LivekitModels.Room;
import livekit.LivekitRoom.CreateRoomRequest;
import livekit.LivekitRoom.ListRoomsRequest;
import livekit.LivekitRoom.ListRoomsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static io.livekit.agents.devserver.TestSupport.nextOffer;
import static io.livekit.agents.devserver.TestSupport.registered;
import static org.assertj.core.api.Assertions.assertThat;

/** Twirp RoomService and AgentDispatchService over HTTP, in protobuf and JSON, with LiveKit's grant checks. */
class TwirpTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private DevServer server;

    @BeforeEach
    void start() {
        server = TestSupport.quickServer().build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<byte[]> post(String path, String contentType, byte[] body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.httpUrl() + "/twirp/" + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonNode postJson(String path, String json, String token, int expectedStatus) throws Exception {
        HttpResponse<byte[]> r = post(path, "application/json", json.getBytes(), token);
        assertThat(r.statusCode()).as("%s -> %s", path, new String(r.body())).isEqualTo(expectedStatus);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(r.body());
    }

    private String admin(String room) {
        return TestSupport.token(server, Map.of("roomAdmin", true, "room", room));
    }

    private String create() {
        return TestSupport.token(server, Map.of("roomCreate", true));
    }

    @Test
    void roomServiceInProtobuf() throws Exception {
        HttpResponse<byte[]> r = post("livekit.RoomService/CreateRoom", "application/protobuf",
                CreateRoomRequest.newBuilder().setName("pb-room").setEmptyTimeout(42).setMetadata("m").build().toByteArray(),
                create());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/protobuf");
        Room room = Room.parseFrom(r.body());
        assertThat(room.getName()).isEqualTo("pb-room");
        assertThat(room.getEmptyTimeout()).isEqualTo(42);
        assertThat(room.getMetadata()).isEqualTo("m");

        HttpResponse<byte[]> list = post("livekit.RoomService/ListRooms", "application/protobuf",
                ListRoomsRequest.newBuilder().addNames("pb-room").addNames("other").build().toByteArray(),
                TestSupport.token(server, Map.of("roomList", true)));
        assertThat(ListRoomsResponse.parseFrom(list.body()).getRoomsList()).extracting(Room::getSid)
                .containsExactly(room.getSid());
    }

    @Test
    void roomServiceInJsonWithAgents() throws Exception {
        try (WsClient worker = registered(server, JobType.JT_ROOM, "json-agent")) {
            JsonNode room = postJson("livekit.RoomService/CreateRoom",
                    "{\"name\":\"json-room\",\"agents\":[{\"agentName\":\"json-agent\",\"metadata\":\"hi\","
                            + "\"attributes\":{\"a\":\"b\"},\"deployment\":\"blue\"}],\"unknownField\":1}",
                    create(), 200);
            assertThat(room.get("name").asText()).isEqualTo("json-room");
            assertThat(room.get("sid").asText()).startsWith("RM_");
            // the deployment is part of the pool key: no worker registered with it, so nothing is offered
            worker.expectSilence(Duration.ofMillis(300));
            JsonNode dispatches = postJson("livekit.AgentDispatchService/ListDispatch", "{\"room\":\"json-room\"}",
                    admin("json-room"), 200);
            JsonNode d = dispatches.get("agent_dispatches").get(0);
            assertThat(d.get("agent_name").asText()).isEqualTo("json-agent");
            assertThat(d.get("metadata").asText()).isEqualTo("hi");
            assertThat(d.get("deployment").asText()).isEqualTo("blue");
            assertThat(d.get("attributes").get("a").asText()).isEqualTo("b");
            assertThat(d.get("state").get("created_at").asText()).matches("\\d{19}");
        }
        JsonNode participants = postJson("livekit.RoomService/ListParticipants", "{\"room\":\"json-room\"}",
                admin("json-room"), 200);
        assertThat(participants.path("participants").size()).isZero();
        postJson("livekit.RoomService/DeleteRoom", "{\"room\":\"json-room\"}", create(), 200);
        JsonNode gone = postJson("livekit.RoomService/DeleteRoom", "{\"room\":\"json-room\"}", create(), 404);
        assertThat(gone.get("code").asText()).isEqualTo("not_found");
        assertThat(gone.get("msg").asText()).contains("requested room does not exist");
    }

    @Test
    void agentDispatchServiceInProtobuf() throws Exception {
        try (WsClient worker = registered(server, JobType.JT_ROOM, "pb-agent")) {
            CreateAgentDispatchRequest.Builder req = CreateAgentDispatchRequest.newBuilder()
                    .setRoom("pb-dispatch").setAgentName("pb-agent").setMetadata("job-meta");
            NewerFields.setStringMap(req, NewerFields.CREATE_DISPATCH_ATTRIBUTES, Map.of("k", "v"));
            HttpResponse<byte[]> r = post("livekit.AgentDispatchService/CreateDispatch", "application/protobuf",
                    req.build().toByteArray(), admin("pb-dispatch"));
            assertThat(r.statusCode()).isEqualTo(200);
            AgentDispatch created = AgentDispatch.parseFrom(r.body());
            assertThat(created.getId()).startsWith("AD_");
            assertThat(created.getAgentName()).isEqualTo("pb-agent");
            assertThat(NewerFields.stringMap(created, NewerFields.DISPATCH_ATTRIBUTES)).containsEntry("k", "v");

            AvailabilityRequest offer = nextOffer(worker);
            assertThat(offer.getJob().getDispatchId()).isEqualTo(created.getId());
            assertThat(offer.getJob().getMetadata()).isEqualTo("job-meta");
            assertThat(NewerFields.stringMap(offer.getJob(), NewerFields.JOB_ATTRIBUTES)).containsEntry("k", "v");

            HttpResponse<byte[]> listed = post("livekit.AgentDispatchService/ListDispatch", "application/protobuf",
                    ListAgentDispatchRequest.newBuilder().setRoom("pb-dispatch").setDispatchId(created.getId())
                            .build().toByteArray(), admin("pb-dispatch"));
            assertThat(ListAgentDispatchResponse.parseFrom(listed.body()).getAgentDispatchesList())
                    .extracting(AgentDispatch::getId).containsExactly(created.getId());

            JsonNode deleted = postJson("livekit.AgentDispatchService/DeleteDispatch",
                    "{\"dispatch_id\":\"" + created.getId() + "\",\"room\":\"pb-dispatch\"}", admin("pb-dispatch"), 200);
            assertThat(deleted.get("id").asText()).isEqualTo(created.getId());
        }
    }

    @Test
    void grantsAndTokensAreChecked() throws Exception {
        String body = "{\"name\":\"secure\"}";
        JsonNode noToken = postJson("livekit.RoomService/CreateRoom", body, null, 401);
        assertThat(noToken.get("code").asText()).isEqualTo("unauthenticated");
        assertThat(noToken.get("msg").asText()).contains("video.roomCreate").contains("no token");

        JsonNode noGrant = postJson("livekit.RoomService/CreateRoom", body,
                TestSupport.token(server, Map.of("roomList", true)), 401);
        assertThat(noGrant.get("msg").asText()).contains("permissions denied").contains("video.roomCreate");

        JsonNode wrongSecret = postJson("livekit.RoomService/CreateRoom", body,
                LiveKitTokens.sign(server.apiKey(), "not-the-secret", null, Map.of("video", Map.of("roomCreate", true)),
                        Duration.ofMinutes(1)), 401);
        assertThat(wrongSecret.get("msg").asText()).contains("signature does not match");

        JsonNode wrongKey = postJson("livekit.RoomService/CreateRoom", body,
                LiveKitTokens.sign("other", server.apiSecret(), null, Map.of("video", Map.of("roomCreate", true)),
                        Duration.ofMinutes(1)), 401);
        assertThat(wrongKey.get("msg").asText()).contains("invalid API key 'other'");

        JsonNode expired = postJson("livekit.RoomService/CreateRoom", body,
                LiveKitTokens.sign(server.apiKey(), server.apiSecret(), null, Map.of("video", Map.of("roomCreate", true)),
                        Duration.ofMinutes(1), Clock.fixed(Instant.now().minusSeconds(7200), ZoneOffset.UTC)), 401);
        assertThat(expired.get("msg").asText()).contains("expired");

        JsonNode otherRoom = postJson("livekit.AgentDispatchService/ListDispatch", "{\"room\":\"a\"}", admin("b"), 401);
        assertThat(otherRoom.get("msg").asText()).contains("video.room='a'");

        JsonNode notAdmin = postJson("livekit.RoomService/ListParticipants", "{\"room\":\"a\"}",
                TestSupport.token(server, Map.of("room", "a", "roomJoin", true)), 401);
        assertThat(notAdmin.get("msg").asText()).contains("roomAdmin");

        JsonNode listNeedsGrant = postJson("livekit.RoomService/ListRooms", "{}", create(), 401);
        assertThat(listNeedsGrant.get("msg").asText()).contains("video.roomList");

        assertThat(server.listRooms()).isEmpty();
        postJson("livekit.RoomService/CreateRoom", body, create(), 200);
        assertThat(server.listRooms()).extracting(Room::getName).containsExactly("secure");
    }

    @Test
    void badRequestsGetTwirpErrors() throws Exception {
        JsonNode unknownMethod = postJson("livekit.RoomService/NoSuchMethod", "{}", create(), 404);
        assertThat(unknownMethod.get("code").asText()).isEqualTo("bad_route");
        JsonNode unknownService = postJson("livekit.Nothing/CreateRoom", "{}", create(), 404);
        assertThat(unknownService.get("code").asText()).isEqualTo("bad_route");

        JsonNode malformedJson = postJson("livekit.RoomService/CreateRoom", "{\"name\":", create(), 400);
        assertThat(malformedJson.get("code").asText()).isEqualTo("malformed");
        JsonNode wrongType = postJson("livekit.RoomService/CreateRoom", "{\"name\":{\"x\":1}}", create(), 400);
        assertThat(wrongType.get("code").asText()).isEqualTo("malformed");

        HttpResponse<byte[]> garbage = post("livekit.RoomService/CreateRoom", "application/protobuf",
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}, create());
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(garbage.body()).get("code").asText()).isEqualTo("malformed");

        HttpResponse<byte[]> text = post("livekit.RoomService/CreateRoom", "text/plain", "x".getBytes(), create());
        assertThat(text.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(text.body()).get("msg").asText()).contains("Content-Type");

        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(
                URI.create(server.httpUrl() + "/twirp/livekit.RoomService/ListRooms")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(get.body()).contains("bad_route");

        JsonNode emptyName = postJson("livekit.RoomService/CreateRoom", "{}", create(), 400);
        assertThat(emptyName.get("code").asText()).isEqualTo("invalid_argument");
        JsonNode badDeployment = postJson("livekit.AgentDispatchService/CreateDispatch",
                "{\"room\":\"r\",\"agent_name\":\"a\",\"deployment\":\"has space\"}", admin("r"), 400);
        assertThat(badDeployment.get("msg").asText()).contains("whitespace");

        HttpResponse<byte[]> tooBig = post("livekit.RoomService/CreateRoom", "application/json",
                new byte[DevServer.DEFAULT_MAX_MESSAGE_BYTES + 10], create());
        assertThat(tooBig.statusCode()).isEqualTo(413);
        // still serving
        postJson("livekit.RoomService/CreateRoom", "{\"name\":\"after\"}", create(), 200);
    }
}
