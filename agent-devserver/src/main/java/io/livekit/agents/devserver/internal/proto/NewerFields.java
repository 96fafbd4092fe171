package io.livekit.agents.devserver.internal.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.UnknownFieldSet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fields that LiveKit's current protocol has but the generated classes of {@code io.livekit:livekit-server:0.13.0}
 * lack ({@code deployment} and {@code attributes} of dispatches and jobs, {@code RegisterWorkerRequest.deployment}).
 * protobuf-java keeps such fields as unknown fields; this class reads and writes them there, with the field
 * numbers of LiveKit's {@code .proto} files.
 */
public final class NewerFields {

    /** {@code RegisterWorkerRequest.deployment}. */
    public static final int REGISTER_DEPLOYMENT = 9;
    /** {@code Job.deployment}. */
    public static final int JOB_DEPLOYMENT = 11;
    /** {@code Job.attributes} (map&lt;string,string&gt;). */
    public static final int JOB_ATTRIBUTES = 12;
    /** {@code CreateAgentDispatchRequest.deployment}. */
    public static final int CREATE_DISPATCH_DEPLOYMENT = 5;
    /** {@code CreateAgentDispatchRequest.attributes}. */
    public static final int CREATE_DISPATCH_ATTRIBUTES = 6;
    /** {@code RoomAgentDispatch.deployment}. */
    public static final int ROOM_DISPATCH_DEPLOYMENT = 4;
    /** {@code RoomAgentDispatch.attributes}. */
    public static final int ROOM_DISPATCH_ATTRIBUTES = 5;
    /** {@code AgentDispatch.deployment}. */
    public static final int DISPATCH_DEPLOYMENT = 7;
    /** {@code AgentDispatch.attributes}. */
    public static final int DISPATCH_ATTRIBUTES = 8;

    private NewerFields() {
    }

    /** A string field kept as an unknown field; {@code ""} when absent. */
    public static String string(MessageOrBuilder m, int field) {
        List<ByteString> values = m.getUnknownFields().getField(field).getLengthDelimitedList();
        return values.isEmpty() ? "" : values.get(values.size() - 1).toStringUtf8();
    }

    /**
     * A {@code map<string,string>} field kept as an unknown field; empty when absent.
     *
     * @throws InvalidProtocolBufferException when an entry is not a valid map entry
     */
    public static Map<String, String> stringMap(MessageOrBuilder m, int field) throws InvalidProtocolBufferException {
        List<ByteString> entries = m.getUnknownFields().getField(field).getLengthDelimitedList();
        if (entries.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (ByteString entry : entries) {
            UnknownFieldSet e = UnknownFieldSet.parseFrom(entry);
            out.put(lastString(e, 1), lastString(e, 2));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Sets (or with {@code ""} clears) a string field as an unknown field. */
    public static void setString(Message.Builder b, int field, String value) {
        UnknownFieldSet.Builder u = UnknownFieldSet.newBuilder(b.getUnknownFields()).clearField(field);
        if (value != null && !value.isEmpty()) {
            u.addField(field, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(value)).build());
        }
        b.setUnknownFields(u.build());
    }

    /** Sets (or with an empty map clears) a {@code map<string,string>} field as an unknown field. */
    public static void setStringMap(Message.Builder b, int field, Map<String, String> value) {
        UnknownFieldSet.Builder u = UnknownFieldSet.newBuilder(b.getUnknownFields()).clearField(field);
        if (value != null && !value.isEmpty()) {
            UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
            value.forEach((k, v) -> f.addLengthDelimited(UnknownFieldSet.newBuilder()
                    .addField(1, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(k)).build())
                    .addField(2, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(v)).build())
                    .build().toByteString()));
            u.addField(field, f.build());
        }
        b.setUnknownFields(u.build());
    }

    private static String lastString(UnknownFieldSet set, int field) {
        List<ByteString> v = set.getField(field).getLengthDelimitedList();
        return v.isEmpty() ? "" : v.get(v.size() - 1).toStringUtf8();
    }
}
