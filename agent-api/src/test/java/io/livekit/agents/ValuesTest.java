package io.livekit.agents;

import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.LocalAudioTrack;
import io.livekit.agents.room.LocalParticipant;
import io.livekit.agents.room.LocalTrack;
import io.livekit.agents.room.LocalVideoTrack;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.TrackPublishOptions;
import io.livekit.agents.room.VideoSourceOptions;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValuesTest {

    @Test
    void decisions() {
        assertThat(JobDecision.accept().isAccepted()).isTrue();
        assertThat(JobDecision.accept().participantIdentityFor("AJ_1")).isEqualTo("agent-AJ_1");
        assertThat(JobDecision.accept("bot").participantIdentityFor("AJ_1")).isEqualTo("bot");
        assertThat(JobDecision.reject().isAccepted()).isFalse();
        assertThat(JobDecision.reject().isTerminate()).isFalse();
        assertThat(JobDecision.rejectAndTerminate().isTerminate()).isTrue();
        JobDecision d = JobDecision.acceptBuilder().identity("id").name("n").metadata("m")
                .attribute("a", "1").attributes(Map.of("b", "2")).build();
        assertThat(d.participantAttributes()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThatThrownBy(() -> d.participantAttributes().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> JobDecision.accept(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jobInfoIsImmutableAndNeedsAnId() {
        Map<String, String> attrs = new HashMap<>(Map.of("k", "v"));
        JobInfo job = JobInfo.builder().id("AJ_1").room(RoomInfo.of("RM_1", "room", "")).attributes(attrs).build();
        attrs.put("k2", "v2");
        assertThat(job.attributes()).containsOnlyKeys("k");
        assertThat(job.participant()).isEmpty();
        assertThat(job.toBuilder().build()).isEqualTo(job);
        assertThatThrownBy(() -> JobInfo.builder().id("").room(RoomInfo.of("", "r", "")).build())
                .isInstanceOf(IllegalArgumentException.class);
        Map<String, String> withNull = new HashMap<>();
        withNull.put("k", null);
        assertThatThrownBy(() -> ParticipantInfo.builder().attributes(withNull))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("k");
    }

    @Test
    void errorText() {
        assertThat(AgentException.errorText(AgentException.retryable("tts down")))
                .isEqualTo("UNAVAILABLE (retryable): tts down");
        assertThat(AgentException.errorText(AgentException.fatal("bad input")))
                .isEqualTo("JOB_FAILED (fatal): bad input");
        assertThat(AgentException.errorText(new IllegalStateException("boom")))
                .isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(AgentException.errorText(new RuntimeException("x".repeat(5000))))
                .hasSize(AgentException.MAX_ERROR_TEXT);
        assertThat(AgentException.Code.CONNECTION_FAILED.isRetryable()).isTrue();
        assertThat(AgentException.Code.UNAUTHENTICATED.isRetryable()).isFalse();
    }

    @Test
    void activeJobsLoad() {
        LoadCalculator c = LoadCalculator.activeJobs();
        assertThat(c.load(new LoadContext(0, 4))).isEqualTo(0.0);
        assertThat(c.load(new LoadContext(3, 4))).isEqualTo(0.75);
        assertThat(c.load(new LoadContext(9, 4))).isEqualTo(1.0);
        assertThat(c.defaultThreshold()).isEqualTo(1.0);
    }

    @Test
    void typedHandlersFixTheirTypeAndConnectTheirRoom() {
        RoomHandler room = (ctx, r) -> { };
        PublisherHandler pub = (ctx, r, p, tracks) -> { };
        ParticipantHandler part = (ctx, r, p) -> { };
        JobHandler plain = ctx -> { };
        assertThat(room.jobType()).contains(JobType.ROOM);
        assertThat(pub.jobType()).contains(JobType.PUBLISHER);
        assertThat(part.jobType()).contains(JobType.PARTICIPANT);
        assertThat(plain.jobType()).isEmpty();
        assertThat(plain.onJobRequest(null)).isEqualTo(JobDecision.accept());
        assertThat(room.autoConnect()).isTrue();
        assertThat(pub.autoConnect()).isTrue();
        assertThat(part.autoConnect()).isTrue();
        assertThat(plain.autoConnect()).isFalse();
        assertThat(plain.roomOptions().autoSubscribe()).isTrue();
    }

    @Test
    void typedHandlersReceiveTheRoomAndTheParticipantOrFailTheJob() throws Exception {
        ParticipantInfo alice = ParticipantInfo.builder().identity("alice").build();
        JobInfo withParticipant = JobInfo.builder().id("AJ_1").type(JobType.PARTICIPANT)
                .room(RoomInfo.of("", "r", "")).participant(alice).build();
        JobInfo without = withParticipant.toBuilder().participant(null).build();
        Fakes f = new Fakes();
        Object[] seen = new Object[2];
        ParticipantHandler part = (ctx, r, p) -> {
            seen[0] = r;
            seen[1] = p;
        };
        part.onJob(f.context(withParticipant));
        assertThat(seen[0]).isSameAs(f.room);
        assertThat(((RemoteParticipant) seen[1]).identity()).isEqualTo("alice");
        assertThat(f.calls).containsExactly("connectRoom", "waitForParticipant alice PT15S");

        RoomHandler roomHandler = (ctx, r) -> seen[0] = r;
        seen[0] = null;
        roomHandler.onJob(f.context(without));
        assertThat(seen[0]).isSameAs(f.room);

        Fakes g = new Fakes();
        ParticipantHandler never = (ctx, r, p) -> seen[0] = null;
        assertThatThrownBy(() -> never.onJob(g.context(without))).isInstanceOf(AgentException.class)
                .hasMessageContaining("AJ_1").hasMessageContaining("no participant")
                .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(AgentException.Code.PROTOCOL_ERROR));
        assertThat(g.calls).isEmpty();   // failed before touching the room
    }

    @Test
    void publisherHandlersGetThePreparedTracksPublishedAndPacedTogether() throws Exception {
        ParticipantInfo bob = ParticipantInfo.builder().identity("bob").build();
        JobInfo job = JobInfo.builder().id("AJ_2").type(JobType.PUBLISHER).room(RoomInfo.of("", "r", ""))
                .participant(bob).build();
        Fakes f = new Fakes();
        PublishedTracks[] got = new PublishedTracks[1];
        PublisherHandler avatar = new PublisherHandler() {
            @Override
            public void onConnected(JobContext ctx, Room room) {
                f.calls.add("onConnected");
            }

            @Override
            public Optional<AudioSourceOptions> prepareAudioTrack(JobContext ctx) {
                f.calls.add("prepareAudioTrack");
                return Optional.of(AudioSourceOptions.of(48_000, 2));
            }

            @Override
            public Optional<VideoSourceOptions> prepareVideoTrack(JobContext ctx) {
                f.calls.add("prepareVideoTrack");
                return Optional.of(VideoSourceOptions.of(320, 240));
            }

            @Override
            public void onPublisherJob(JobContext ctx, Room room, RemoteParticipant publisher, PublishedTracks tracks) {
                f.calls.add("onPublisherJob " + publisher.identity());
                got[0] = tracks;
            }
        };
        avatar.onJob(f.context(job));
        assertThat(f.calls).containsExactly("connectRoom", "waitForParticipant bob PT15S", "onConnected",
                "prepareAudioTrack", "prepareVideoTrack",
                "createAudioTrack agent-audio 48000/2",
                "publishTrack agent-audio MICROPHONE stereo=true stream=agent-AJ_2",
                "createVideoTrack agent-video 320x240 clock=agent-audio",
                "publishTrack agent-video CAMERA stereo=false stream=agent-AJ_2",
                "onPublisherJob bob");
        assertThat(got[0].audioTrack().map(LocalTrack.class::cast)).containsSame(f.tracks.get("agent-audio"));
        assertThat(got[0].videoTrack().map(LocalTrack.class::cast)).containsSame(f.tracks.get("agent-video"));

        Fakes g = new Fakes();
        PublisherHandler listener = (ctx, r, p, tracks) -> got[0] = tracks;
        listener.onJob(g.context(job));
        assertThat(got[0].audioTrack()).isEmpty();
        assertThat(got[0].videoSource()).isEmpty();
        assertThat(g.calls).containsExactly("connectRoom", "waitForParticipant bob PT15S");
    }

    /** Stand-ins for a job context and its room that record what the handler flavours call. */
    private static final class Fakes {
        final List<String> calls = new ArrayList<>();
        final Map<String, LocalTrack> tracks = new HashMap<>();
        final LocalParticipant local = proxy(LocalParticipant.class, (m, args) -> {
            switch (m) {
                case "createAudioTrack": {
                    AudioSourceOptions o = (AudioSourceOptions) args[1];
                    calls.add("createAudioTrack " + args[0] + " " + o.sampleRate() + "/" + o.channels());
                    return track(LocalAudioTrack.class, (String) args[0]);
                }
                case "createVideoTrack": {
                    VideoSourceOptions o = (VideoSourceOptions) args[1];
                    calls.add("createVideoTrack " + args[0] + " " + o.width() + "x" + o.height()
                            + (args.length > 2 ? " clock=" + ((LocalTrack) args[2]).name() : ""));
                    return track(LocalVideoTrack.class, (String) args[0]);
                }
                case "publishTrack": {
                    TrackPublishOptions o = (TrackPublishOptions) args[1];
                    calls.add("publishTrack " + ((LocalTrack) args[0]).name() + " " + o.source() + " stereo="
                            + o.stereo() + " stream=" + o.stream());
                    return null;
                }
                default:
                    throw new UnsupportedOperationException(m);
            }
        });
        final Room room = proxy(Room.class, (m, args) -> {
            if (m.equals("localParticipant")) {
                return local;
            }
            throw new UnsupportedOperationException(m);
        });

        <T extends LocalTrack> T track(Class<T> type, String name) {
            T t = proxy(type, (m, args) -> {
                if (m.equals("name")) {
                    return name;
                }
                throw new UnsupportedOperationException(m);
            });
            tracks.put(name, t);
            return t;
        }

        JobContext context(JobInfo job) {
            return proxy(JobContext.class, (m, args) -> {
                switch (m) {
                    case "job":
                        return job;
                    case "participantIdentity":
                        return "agent-" + job.id();
                    case "connectRoom":
                        calls.add("connectRoom");
                        return room;
                    case "waitForParticipant":
                        calls.add("waitForParticipant " + args[0] + " " + args[1]);
                        return proxy(RemoteParticipant.class, (n, a) -> {
                            if (n.equals("identity")) {
                                return args[0];
                            }
                            throw new UnsupportedOperationException(n);
                        });
                    default:
                        throw new UnsupportedOperationException(m);
                }
            });
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, BiFunction<String, Object[], Object> answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type},
                (p, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return type.getSimpleName();
                    }
                    return answer.apply(method.getName(), args == null ? new Object[0] : args);
                });
    }

    @Test
    void createWithoutCoreNamesTheMissingDependency() {
        WorkerOptions o = WorkerOptions.builder().url("ws://h:1").apiKey("k").apiSecret("s").build();
        assertThatThrownBy(() -> Worker.create(o, ctx -> { }))
                .isInstanceOf(AgentException.class).hasMessageContaining("agent-core");
    }
}
