package io.livekit.agents.devserver.internal.dispatch;

import io.livekit.agents.devserver.internal.proto.NewerFields;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;
import livekit.LivekitAgentDispatch.AgentDispatchState;
import livekit.LivekitAgentDispatch.JobRestartPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An agent dispatch of a room and the jobs launched for it. Dispatch thread only. */
final class DispatchRecord {

    final String id;
    final String agentName;
    final String room;
    final String metadata;
    final JobRestartPolicy restartPolicy;
    final String deployment;
    final Map<String, String> attributes;
    final long createdAtNanos;
    long deletedAtNanos;
    /** Jobs launched for it whose offer succeeded, in launch order. */
    final List<JobRecord> jobs = new ArrayList<>();
    /** Set when the dispatch or its room went away: how jobs placed later must end. */
    JobStatus endStatus;
    String endError = "";

    DispatchRecord(String id, String agentName, String room, String metadata, JobRestartPolicy restartPolicy,
                   String deployment, Map<String, String> attributes, long createdAtNanos) {
        this.id = id;
        this.agentName = agentName;
        this.room = room;
        this.metadata = metadata;
        this.restartPolicy = restartPolicy;
        this.deployment = deployment;
        this.attributes = Map.copyOf(attributes);
        this.createdAtNanos = createdAtNanos;
    }

    AgentDispatch toProto() {
        AgentDispatchState.Builder state = AgentDispatchState.newBuilder()
                .setCreatedAt(createdAtNanos)
                .setDeletedAt(deletedAtNanos);
        for (JobRecord j : jobs) {
            state.addJobs(j.job.build());
        }
        AgentDispatch.Builder b = AgentDispatch.newBuilder()
                .setId(id)
                .setAgentName(agentName)
                .setRoom(room)
                .setMetadata(metadata)
                .setRestartPolicy(restartPolicy)
                .setState(state);
        NewerFields.setString(b, NewerFields.DISPATCH_DEPLOYMENT, deployment);
        NewerFields.setStringMap(b, NewerFields.DISPATCH_ATTRIBUTES, attributes);
        return b.build();
    }
}
