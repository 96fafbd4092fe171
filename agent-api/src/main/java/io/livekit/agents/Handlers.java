package io.livekit.agents;

/** Helpers of the typed handler flavours. */
final class Handlers {

    private Handlers() {
    }

    /** The job's participant; fails the job with a protocol error if the server sent none. */
    static ParticipantInfo participantOf(JobContext ctx, String jobKind) {
        return ctx.job().participant().orElseThrow(() -> new AgentException(AgentException.Code.PROTOCOL_ERROR,
                jobKind + " job " + ctx.job().id() + " carries no participant"));
    }
}
