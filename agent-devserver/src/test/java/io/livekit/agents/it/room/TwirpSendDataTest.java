package io.livekit.agents.it.room;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.livekit.agents.room.DataPacket;
import livekit.LivekitModels;
import livekit.LivekitRoom.SendDataRequest;
import livekit.LivekitRoom.SendDataResponse;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RoomService {@code SendData} over Twirp (protobuf and JSON bodies) to live Java room clients on the dev server,
 * inside the test run's network namespace: the call needs {@code roomAdmin} for the room (as LiveKit's server); the
 * packet arrives from the server (no sender) on the channel its kind names, with its topic, at the destination
 * identities only, or at everyone when none is named.
 */
class TwirpSendDataTest extends RoomTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpResponse<byte[]> sendData(String contentType, byte[] body, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/twirp/livekit.RoomService/SendData"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> sendProto(SendDataRequest req, String token) throws Exception {
        return sendData("application/protobuf", req.toByteArray(), token);
    }

    private HttpResponse<byte[]> sendJson(Map<String, ?> req, String token) throws Exception {
        return sendData("application/json", JSON.writeValueAsBytes(req), token);
    }

    private static String text(DataPacket p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The packets {@code r} receives up to and including the one whose payload is {@code last}. */
    private static List<DataPacket> receivedUntil(RoomRecorder r, String last) throws InterruptedException {
        List<DataPacket> got = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            DataPacket p = r.data.poll(100, TimeUnit.MILLISECONDS);
            if (p == null) {
                continue;
            }
            got.add(p);
            if (text(p).equals(last)) {
                return got;
            }
        }
        throw new AssertionError("'" + last + "' did not arrive within 30 s; got "
                + got.stream().map(TwirpSendDataTest::text).toList() + "; events " + r.all);
    }

    @Test
    void sendDataReachesTheDestinationsOnlyWithItsKindAndTopic() throws Exception {
        RoomRecorder a = new RoomRecorder();
        RoomRecorder b = new RoomRecorder();
        RoomRecorder c = new RoomRecorder();
        join("a", a);
        join("b", b);
        join("c", c);
        c.await("joined:a");
        c.await("joined:b");
        String admin = RtcEnv.adminToken(server, roomName);

        // the grant LiveKit's server demands: roomAdmin for this very room; refused calls deliver nothing
        HttpResponse<byte[]> noAdmin = sendProto(SendDataRequest.newBuilder().setRoom(roomName)
                .setData(ByteString.copyFromUtf8("refused")).build(), RtcEnv.token(server, "a", roomName));
        assertThat(noAdmin.statusCode()).as(new String(noAdmin.body())).isEqualTo(401);
        assertThat(new String(noAdmin.body(), StandardCharsets.UTF_8)).contains("roomAdmin");
        HttpResponse<byte[]> otherRoom = sendProto(SendDataRequest.newBuilder().setRoom(roomName)
                .setData(ByteString.copyFromUtf8("refused")).build(), RtcEnv.adminToken(server, "another-room"));
        assertThat(otherRoom.statusCode()).as(new String(otherRoom.body())).isEqualTo(401);

        // protobuf: lossy, with a topic, to a and b
        HttpResponse<byte[]> lossy = sendProto(SendDataRequest.newBuilder().setRoom(roomName)
                .setData(ByteString.copyFromUtf8("lossy to a and b")).setKind(LivekitModels.DataPacket.Kind.LOSSY)
                .setTopic("lossy-topic").addDestinationIdentities("a").addDestinationIdentities("b").build(), admin);
        assertThat(lossy.statusCode()).as(new String(lossy.body())).isEqualTo(200);
        assertThat(SendDataResponse.parseFrom(lossy.body())).isEqualTo(SendDataResponse.getDefaultInstance());

        // JSON: reliable, with a topic, to c only
        HttpResponse<byte[]> reliable = sendJson(Map.of("room", roomName,
                "data", Base64.getEncoder().encodeToString(utf8("reliable to c")), "kind", "RELIABLE",
                "topic", "json-topic", "destinationIdentities", List.of("c")), admin);
        assertThat(reliable.statusCode()).as(new String(reliable.body())).isEqualTo(200);
        assertThat(reliable.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(reliable.body()).isObject()).isTrue();

        // JSON: no destinations, no kind (RELIABLE), no topic: everyone
        HttpResponse<byte[]> all = sendJson(Map.of("room", roomName,
                "data", Base64.getEncoder().encodeToString(utf8("to everyone"))), admin);
        assertThat(all.statusCode()).as(new String(all.body())).isEqualTo(200);

        // a and b: the lossy packet, then the broadcast; never c's packet (it would come before the broadcast, on
        // the same ordered reliable channel), nor a refused one
        for (RoomRecorder r : List.of(a, b)) {
            List<DataPacket> got = receivedUntil(r, "to everyone");
            if (got.stream().noneMatch(p -> text(p).equals("lossy to a and b"))) {
                DataPacket late = r.data.poll(20, TimeUnit.SECONDS);   // lossy and reliable are separate channels
                assertThat(late).as("the lossy packet").isNotNull();
                got.add(late);
            }
            assertThat(got).extracting(TwirpSendDataTest::text)
                    .containsExactlyInAnyOrder("lossy to a and b", "to everyone");
            DataPacket p = got.stream().filter(x -> text(x).equals("lossy to a and b")).findFirst().orElseThrow();
            assertThat(p.reliable()).as("kind LOSSY: the lossy channel").isFalse();
            assertThat(p.topic()).contains("lossy-topic");
            assertThat(p.senderIdentity()).as("sent by the server, not a participant").isEmpty();
            assertThat(p.destinationIdentities()).containsExactly("a", "b");
        }
        // c: its reliable packet, then the broadcast; not the lossy one
        List<DataPacket> got = receivedUntil(c, "to everyone");
        assertThat(got).extracting(TwirpSendDataTest::text).containsExactly("reliable to c", "to everyone");
        DataPacket toC = got.get(0);
        assertThat(toC.reliable()).isTrue();
        assertThat(toC.topic()).contains("json-topic");
        assertThat(toC.senderIdentity()).isEmpty();
        assertThat(toC.destinationIdentities()).containsExactly("c");
        DataPacket broadcast = got.get(1);
        assertThat(broadcast.reliable()).isTrue();
        assertThat(broadcast.topic()).isEmpty();
        assertThat(broadcast.destinationIdentities()).isEmpty();
        // the lossy packet to a and b travelled on another channel: give a stray copy a moment to show up
        assertThat(c.data.poll(1, TimeUnit.SECONDS)).as("nothing more reaches c").isNull();
        assertThat(a.data).isEmpty();
        assertThat(b.data).isEmpty();
    }
}
