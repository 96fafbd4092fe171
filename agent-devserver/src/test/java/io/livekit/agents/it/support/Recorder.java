package io.livekit.agents.it.support;

import io.livekit.agents.AgentException;
import io.livekit.agents.JobInfo;
import io.livekit.agents.JobRequest;
import io.livekit.agents.JobStatus;
import io.livekit.agents.ServerInfo;
import io.livekit.agents.WorkerListener;
import io.livekit.agents.WorkerStatus;
import io.livekit.agents.devserver.DevServerListener;
import io.livekit.agents.devserver.WorkerInfo;
import livekit.LivekitAgent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Records what a worker's listener and a dev server's listener see, for assertions. Thread-safe. */
public final class Recorder implements WorkerListener, DevServerListener {

    /** Worker-side events as short strings, e.g. {@code "offered AJ_x"}, {@code "status IDLE"}. */
    public final List<String> events = new CopyOnWriteArrayList<>();
    public final List<WorkerStatus> statuses = new CopyOnWriteArrayList<>();
    public final List<String> registrations = new CopyOnWriteArrayList<>();
    public final List<String> rejections = new CopyOnWriteArrayList<>();
    public final List<AgentException> disconnects = new CopyOnWriteArrayList<>();
    public final List<String> ended = new CopyOnWriteArrayList<>();
    public final List<String> cancelled = new CopyOnWriteArrayList<>();

    /** Server-side: availability answers as {@code jobId -> answer}. */
    public final List<LivekitAgent.AvailabilityResponse> answers = new CopyOnWriteArrayList<>();
    public final List<String> answeredBy = new CopyOnWriteArrayList<>();
    public final List<LivekitAgent.Job> jobStatuses = new CopyOnWriteArrayList<>();
    public final List<LivekitAgent.Job> notPlaced = new CopyOnWriteArrayList<>();
    public final List<WorkerInfo> workerStatuses = new CopyOnWriteArrayList<>();
    public final List<String> serverDisconnects = new CopyOnWriteArrayList<>();
    public final List<String> rejectedConnections = new CopyOnWriteArrayList<>();

    @Override
    public void onStatusChanged(WorkerStatus previous, WorkerStatus current) {
        statuses.add(current);
        events.add("status " + current);
    }

    @Override
    public void onRegistered(String workerId, ServerInfo server) {
        registrations.add(workerId);
        events.add("registered " + workerId);
    }

    @Override
    public void onDisconnected(AgentException cause, int attempt, Duration retryIn) {
        disconnects.add(cause);
        events.add("disconnected " + cause.code() + " attempt " + attempt + (retryIn == null ? " giving up" : ""));
    }

    @Override
    public void onJobOffered(JobRequest request) {
        events.add("offered " + request.jobId());
    }

    @Override
    public void onJobAccepted(JobInfo job, String identity) {
        events.add("accepted " + job.id() + " as " + identity);
    }

    @Override
    public void onJobRejected(JobInfo job, String reason, boolean terminate) {
        rejections.add(job.id() + ": " + reason);
        events.add("rejected " + job.id() + (terminate ? " (terminate)" : ""));
    }

    @Override
    public void onJobStarted(JobInfo job) {
        events.add("started " + job.id());
    }

    @Override
    public void onJobCancelled(JobInfo job, String reason) {
        cancelled.add(job.id() + ": " + reason);
        events.add("cancelled " + job.id());
    }

    @Override
    public void onJobEnded(JobInfo job, JobStatus status, String error) {
        ended.add(job.id() + " " + status + (error.isEmpty() ? "" : " " + error));
        events.add("ended " + job.id() + " " + status);
    }

    // ------------------------------------------------------------ dev server side

    @Override
    public void onAvailabilityAnswered(LivekitAgent.Job job, WorkerInfo worker, LivekitAgent.AvailabilityResponse answer) {
        answers.add(answer);
        answeredBy.add(worker.id());
    }

    @Override
    public void onJobStatus(LivekitAgent.Job job) {
        jobStatuses.add(job);
    }

    @Override
    public void onJobNotPlaced(LivekitAgent.Job job, String reason) {
        notPlaced.add(job);
    }

    @Override
    public void onWorkerStatus(WorkerInfo worker) {
        workerStatuses.add(worker);
    }

    @Override
    public void onWorkerDisconnected(WorkerInfo worker, String reason) {
        serverDisconnects.add(worker.id() + ": " + reason);
    }

    @Override
    public void onConnectionRejected(String remoteAddress, String reason) {
        rejectedConnections.add(reason);
    }

    /** The last status the server saw reported by {@code workerId}. */
    public WorkerInfo lastServerStatus(String workerId) {
        WorkerInfo last = null;
        for (WorkerInfo w : workerStatuses) {
            if (w.id().equals(workerId)) {
                last = w;
            }
        }
        return last;
    }

    /** The statuses the server recorded for a job, in order. */
    public List<LivekitAgent.JobStatus> statusesOf(String jobId) {
        return jobStatuses.stream().filter(j -> j.getId().equals(jobId)).map(j -> j.getState().getStatus())
                .collect(Collectors.toList());
    }

    /** How many jobs for {@code agentName} the server gave up placing (rooms also get an unnamed dispatch). */
    public long notPlaced(String agentName) {
        return notPlaced.stream().filter(j -> j.getAgentName().equals(agentName)).count();
    }

    /** Whether the worker-side events contain one starting with {@code prefix}. */
    public boolean saw(String prefix) {
        return events.stream().anyMatch(e -> e.startsWith(prefix));
    }
}
