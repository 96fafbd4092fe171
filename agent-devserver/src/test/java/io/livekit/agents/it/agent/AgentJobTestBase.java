package io.livekit.agents.it.agent;

import io.livekit.agents.JobHandler;
import io.livekit.agents.JobInfo;
import io.livekit.agents.JobStatus;
import io.livekit.agents.JobType;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerListener;
import io.livekit.agents.it.room.RoomTestBase;
import io.livekit.agents.it.support.It;
import org.junit.jupiter.api.AfterEach;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the tests of workers whose jobs join rooms on the dev server: the room test setup, plus the test's worker
 * (closed afterwards) and the jobs it reported ended, as {@code "<job id> <status>[ <error>]"}.
 */
abstract class AgentJobTestBase extends RoomTestBase {

    protected Worker worker;
    protected final BlockingQueue<String> ended = new LinkedBlockingQueue<>();

    @AfterEach
    void closeWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    /** Starts the test's worker for jobs of {@code type} (and {@code agentName}), and waits until it registered. */
    protected void startWorker(JobHandler handler, JobType type, String agentName) throws InterruptedException {
        worker = Worker.create(It.options(server).jobType(type).agentName(agentName).build(), handler);
        worker.addListener(new WorkerListener() {
            @Override
            public void onJobEnded(JobInfo job, JobStatus status, String error) {
                ended.add(job.id() + " " + status + (error.isEmpty() ? "" : " " + error));
            }
        });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
    }
}
