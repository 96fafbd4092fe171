package io.livekit.agents.it.room;

import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Base of the tests of the Java room client against the dev server: a fresh server per test, bound to the network
 * namespace's address, a fresh room name, and the rooms and media producers of the test, closed afterwards.
 */
@Tag("webrtc")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class RoomTestBase {

    protected DevServer server;
    protected String roomName;
    protected final Media media = new Media();
    protected final List<Room> rooms = new CopyOnWriteArrayList<>();

    /** The server of each test; override to configure it. */
    protected DevServer.Builder serverBuilder() {
        return RtcEnv.server();
    }

    @BeforeEach
    void startServer() {
        server = serverBuilder().build().start();
        roomName = "room-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stopServer() throws Exception {
        media.close();
        for (Room r : rooms) {
            r.disconnect();
        }
        server.close();
    }

    protected Room join(String identity, RoomRecorder rec) {
        return join(identity, rec, true);
    }

    protected Room join(String identity, RoomRecorder rec, boolean autoSubscribe) {
        return joinWith(RtcEnv.token(server, identity, roomName), rec, autoSubscribe);
    }

    protected Room joinWith(String token, RoomRecorder rec, boolean autoSubscribe) {
        Room r = Room.connect(server.url(), token, RoomOptions.builder().autoSubscribe(autoSubscribe).addListener(rec)
                .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)).build());
        rooms.add(r);
        return r;
    }
}
