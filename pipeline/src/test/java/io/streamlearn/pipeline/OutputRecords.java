package io.streamlearn.pipeline;

import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.ModelFormat;
import io.streamlearn.schemas.Prediction;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Records of the job's output topics as tests write them, for the tools that read those topics: no
 * job made them, so their contents are stand-ins.
 */
public final class OutputRecords {

  private OutputRecords() {}

  /**
   * A prediction of class 1 (scores 0.2 and 0.8), with event and prediction time {@code millis}.
   */
  public static Prediction prediction(String sampleId, String key, long version, long millis) {
    return Prediction.newBuilder()
        .setSampleId(sampleId)
        .setKey(key)
        .setModelVersion(version)
        .setScores(List.of(0.2f, 0.8f))
        .setPredictedLabel(1)
        .setEventTime(Instant.ofEpochMilli(millis))
        .setPredictionTime(Instant.ofEpochMilli(millis))
        .build();
  }

  /** A checkpoint after {@code version} steps, whose model is 4 bytes that are not a model. */
  public static ModelCheckpoint checkpoint(String key, long version, long samplesSeen) {
    return ModelCheckpoint.newBuilder()
        .setKey(key)
        .setVersion(version)
        .setSteps(version)
        .setSamplesSeen(samplesSeen)
        .setCreatedAt(Instant.ofEpochMilli(0))
        .setModelFormat(ModelFormat.DL4J_MODEL_SERIALIZER_ZIP)
        .setModel(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}))
        .setMetrics(Map.of("accuracy", 0.5))
        .setConfigDigest("digest")
        .build();
  }
}
