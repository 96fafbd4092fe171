package io.livekit.agents.devserver.internal.dispatch;

import io.livekit.agents.devserver.DispatchMode;
import livekit.LivekitModels.ServerInfo;

import java.time.Duration;

/**
 * The dispatcher's configuration.
 *
 * @param mode                 strict-OSS or lenient deadlines and recovery
 * @param availabilityTimeout  strict: the whole offer window of a job; lenient: each worker's window
 * @param workerAnswerTimeout  strict: each worker's window inside the offer window (LiveKit's AssignJobTimeout)
 * @param registerTimeout      how long a new connection has to send {@code register}
 * @param targetLoad           a job is placed only if some available worker of its pool reports a lower load
 * @param roomEmptyTimeout     how long a room nobody joined stays open, unless its request says otherwise
 * @param roomDepartureTimeout how long a room stays open after the last participant left, unless its request
 *                             says otherwise
 * @param autoCreateRooms      whether CreateDispatch creates a missing room
 * @param serverInfo           sent in {@code RegisterWorkerResponse}
 */
public record DispatchSettings(DispatchMode mode, Duration availabilityTimeout, Duration workerAnswerTimeout,
                               Duration registerTimeout, double targetLoad, Duration roomEmptyTimeout,
                               Duration roomDepartureTimeout, boolean autoCreateRooms, ServerInfo serverInfo) {
}
