package io.livekit.agents.devserver.internal.dispatch;

import livekit.LivekitAgent.JobType;

/** Workers that are interchangeable for a job: LiveKit's {@code workerKey}. */
record PoolKey(String agentName, String namespace, JobType jobType, String deployment) {

    @Override
    public String toString() {
        return "{agentName='" + agentName + "', namespace='" + namespace + "', type=" + jobType
                + (deployment.isEmpty() ? "" : ", deployment='" + deployment + "'") + "}";
    }
}
