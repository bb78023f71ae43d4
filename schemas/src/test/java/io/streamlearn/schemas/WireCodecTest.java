package io.streamlearn.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireCodecTest {

  private final WireCodec<LabeledSample> samples = WireCodec.labeledSamples();

  @Test
  void writesTheSingleObjectHeaderWithTheSchemaFingerprint() throws Exception {
    byte[] bytes = samples.encode(sample("s-1", 1, null));

    assertThat(Arrays.copyOfRange(bytes, 0, 2)).containsExactly(0xC3, 0x01);
    long fingerprint =
        org.apache.avro.SchemaNormalization.parsingFingerprint64(LabeledSample.getClassSchema());
    long written =
        java.nio.ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(written).isEqualTo(fingerprint);
  }

  @Test
  void roundTripsEveryRecordType() throws Exception {
    LabeledSample sample = sample("s-1", 2, 0.5);
    assertThat(samples.decode(samples.encode(sample))).isEqualTo(sample);

    Prediction prediction =
        Prediction.newBuilder()
            .setSampleId("s-1")
            .setKey("k")
            .setModelVersion(7)
            .setScores(List.of(0.25f, 0.75f))
            .setPredictedLabel(1)
            .setLabel(1)
            .setEventTime(Instant.ofEpochMilli(1000))
            .setPredictionTime(Instant.ofEpochMilli(2000))
            .build();
    WireCodec<Prediction> predictions = WireCodec.predictions();
    assertThat(predictions.decode(predictions.encode(prediction))).isEqualTo(prediction);

    ModelCheckpoint checkpoint =
        ModelCheckpoint.newBuilder()
            .setKey("k")
            .setVersion(3)
            .setSteps(3)
            .setSamplesSeen(192)
            .setCreatedAt(Instant.ofEpochMilli(5000))
            .setModelFormat(ModelFormat.DL4J_MODEL_SERIALIZER_ZIP)
            .setModel(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .setMetrics(Map.of("accuracy", 0.9))
            .setConfigDigest("abc")
            .build();
    WireCodec<ModelCheckpoint> checkpoints = WireCodec.modelCheckpoints();
    assertThat(checkpoints.decode(checkpoints.encode(checkpoint))).isEqualTo(checkpoint);

    SampleLabel label =
        SampleLabel.newBuilder()
            .setSampleId("s-1")
            .setKey("k")
            .setLabel(1)
            .setLabelTime(Instant.ofEpochMilli(3000))
            .build();
    WireCodec<SampleLabel> labels = WireCodec.sampleLabels();
    assertThat(labels.decode(labels.encode(label))).isEqualTo(label);
    assertThat(labels.decode(labels.encode(label)).getTarget()).isNull();
  }

  @Test
  void aLabelIsNotMistakenForASample() {
    byte[] label =
        WireCodec.sampleLabels()
            .encode(
                SampleLabel.newBuilder()
                    .setSampleId("s-1")
                    .setKey("k")
                    .setTarget(2.5)
                    .setLabelTime(Instant.ofEpochMilli(3000))
                    .build());

    // A label produced to the samples topic by mistake is rejected, not read as a sample.
    assertThatThrownBy(() -> samples.decode(label))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(WireFormatException.Reason.UNKNOWN_SCHEMA));
  }

  @Test
  void readsDeadLettersWrittenWithTheVersionOneSchema() throws Exception {
    Schema v1;
    try (InputStream in = WireCodec.class.getResourceAsStream("history/DeadLetter-v1.avsc")) {
      v1 = new Schema.Parser().parse(in);
    }
    GenericRecord old = new GenericData.Record(v1);
    old.put("reason", new GenericData.EnumSymbol(v1.getField("reason").schema(), "DIVERGED_BATCH"));
    old.put("message", "diverged");
    old.put("value", java.nio.ByteBuffer.wrap(new byte[] {7}));
    old.put("rejectedAt", 99L);
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

    DeadLetter decoded = WireCodec.deadLetters().decode(bytes);

    assertThat(decoded.getReason()).isEqualTo(DeadLetterReason.DIVERGED_BATCH);
    assertThat(decoded.getRejectedAt()).isEqualTo(Instant.ofEpochMilli(99));
    assertThat(v1.getField("reason").schema().getEnumSymbols())
        .as("version 1 ends where version 2 adds symbols")
        .isEqualTo(DeadLetterReason.getClassSchema().getEnumSymbols().subList(0, 9));
  }

  @Test
  void readsSamplesWrittenWithTheVersionOneSchema() throws Exception {
    Schema v1;
    try (InputStream in = WireCodec.class.getResourceAsStream("history/LabeledSample-v1.avsc")) {
      v1 = new Schema.Parser().parse(in);
    }
    GenericRecord old = new GenericData.Record(v1);
    old.put("id", "old-1");
    old.put("key", "k");
    old.put("features", List.of(1f, 2f));
    old.put("label", 1);
    old.put("eventTime", 1234L);
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

    LabeledSample decoded = samples.decode(bytes);

    assertThat(decoded.getId()).isEqualTo("old-1");
    assertThat(decoded.getFeatures()).containsExactly(1f, 2f);
    assertThat(decoded.getLabel()).isEqualTo(1);
    assertThat(decoded.getEventTime()).isEqualTo(Instant.ofEpochMilli(1234));
    assertThat(decoded.getTarget()).isNull();
  }

  @Test
  void readsSamplesWrittenWithTheVersionTwoSchemaWithoutLabelSetsOrTargets() throws Exception {
    Schema v2 = historic("history/LabeledSample-v2.avsc");
    GenericRecord old = new GenericData.Record(v2);
    old.put("id", "old-2");
    old.put("key", "k");
    old.put("features", List.of(1f));
    old.put("target", 2.5);
    old.put("eventTime", 1234L);

    LabeledSample decoded = samples.decode(encode(v2, old));

    assertThat(decoded.getTarget()).isEqualTo(2.5);
    assertThat(decoded.getLabels()).isNull();
    assertThat(decoded.getTargets()).isNull();
  }

  @Test
  void readsLabelsAndPredictionsWrittenWithTheVersionOneSchema() throws Exception {
    Schema labelV1 = historic("history/SampleLabel-v1.avsc");
    GenericRecord label = new GenericData.Record(labelV1);
    label.put("sampleId", "s-1");
    label.put("key", "k");
    label.put("label", 3);
    label.put("labelTime", 99L);
    Schema predictionV1 = historic("history/Prediction-v1.avsc");
    GenericRecord prediction = new GenericData.Record(predictionV1);
    prediction.put("sampleId", "s-1");
    prediction.put("key", "k");
    prediction.put("modelVersion", 4L);
    prediction.put("scores", List.of(0.5f, 0.5f));
    prediction.put("predictedLabel", 0);
    prediction.put("eventTime", 1L);
    prediction.put("predictionTime", 2L);

    SampleLabel decodedLabel = WireCodec.sampleLabels().decode(encode(labelV1, label));
    Prediction decodedPrediction = WireCodec.predictions().decode(encode(predictionV1, prediction));

    assertThat(decodedLabel.getLabel()).isEqualTo(3);
    assertThat(decodedLabel.getLabels()).isNull();
    assertThat(decodedLabel.getTargets()).isNull();
    assertThat(decodedPrediction.getPredictedLabel()).isEqualTo(0);
    assertThat(decodedPrediction.getPredictedLabels()).isNull();
    assertThat(decodedPrediction.getTargets()).isNull();
  }

  /**
   * A consumer still on the previous version resolves a new record with the new writer schema to
   * its own: the fields it knows keep their values, the new ones are skipped.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "history/LabeledSample-v2.avsc",
        "history/SampleLabel-v1.avsc",
        "history/Prediction-v1.avsc"
      })
  void aReaderOnThePreviousVersionReadsNewRecords(String previous) throws Exception {
    Schema reader = historic(previous);
    Object record =
        switch (reader.getName()) {
          case "LabeledSample" ->
              LabeledSample.newBuilder(sample("s-1", null, 1.5))
                  .setLabels(List.of(0, 2))
                  .setTargets(List.of(1.5, -2.0))
                  .build();
          case "SampleLabel" ->
              SampleLabel.newBuilder()
                  .setSampleId("s-1")
                  .setKey("k")
                  .setTarget(1.5)
                  .setLabels(List.of(0, 2))
                  .setTargets(List.of(1.5, -2.0))
                  .setLabelTime(Instant.ofEpochMilli(3000))
                  .build();
          default ->
              Prediction.newBuilder()
                  .setSampleId("s-1")
                  .setKey("k")
                  .setModelVersion(7)
                  .setScores(List.of(0.9f, 0.1f, 0.7f))
                  .setTarget(1.5)
                  .setPredictedLabels(List.of(0, 2))
                  .setLabels(List.of(0, 2))
                  .setTargets(List.of(1.5, -2.0))
                  .setEventTime(Instant.ofEpochMilli(1000))
                  .setPredictionTime(Instant.ofEpochMilli(2000))
                  .build();
        };
    Schema writer = ((org.apache.avro.specific.SpecificRecord) record).getSchema();
    byte[] bytes =
        new BinaryMessageEncoder<Object>(SpecificData.get(), writer).encode(record).array();

    // The consumer looks the writer's fingerprint up among the schemas it was given.
    BinaryMessageDecoder<GenericRecord> decoder =
        new BinaryMessageDecoder<>(GenericData.get(), reader);
    decoder.addSchema(writer);
    GenericRecord old = decoder.decode(bytes);

    assertThat(old.getSchema().getField("labels")).isNull();
    assertThat(old.get("target")).isEqualTo(1.5);
    assertThat(old.get("key").toString()).isEqualTo("k");
  }

  @ParameterizedTest
  @ValueSource(strings = {"history/ModelCheckpoint-v1.avsc", "history/ModelCheckpoint-v2.avsc"})
  void readsCheckpointsWrittenWithAnOlderSchema(String olderSchema) throws Exception {
    Schema older;
    try (InputStream in = WireCodec.class.getResourceAsStream(olderSchema)) {
      older = new Schema.Parser().parse(in);
    }
    GenericRecord old = checkpoint(older, "DL4J_MODEL_SERIALIZER_ZIP");
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();

    ModelCheckpoint decoded = WireCodec.modelCheckpoints().decode(bytes);

    assertThat(decoded.getModelFormat()).isEqualTo(ModelFormat.DL4J_MODEL_SERIALIZER_ZIP);
    assertThat(decoded.getVersion()).isEqualTo(7);
    assertThat(decoded.getScaler()).as("raw features before version 3").isNull();
  }

  @Test
  void resolvesAModelFormatAddedLaterToUnknown() throws Exception {
    // A later schema with one more format, as a newer job would write it.
    Schema later =
        new Schema.Parser()
            .parse(
                ModelCheckpoint.getClassSchema()
                    .toString()
                    .replace("\"UNKNOWN\"]", "\"UNKNOWN\",\"ONNX_ZIP\"]"));
    assertThat(later.getField("modelFormat").schema().getEnumSymbols()).contains("ONNX_ZIP");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(later).write(checkpoint(later, "ONNX_ZIP"), encoder);
    encoder.flush();

    ModelCheckpoint decoded =
        new SpecificDatumReader<ModelCheckpoint>(later, ModelCheckpoint.getClassSchema())
            .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

    assertThat(decoded.getModelFormat()).isEqualTo(ModelFormat.UNKNOWN);
    assertThat(decoded.getVersion()).isEqualTo(7);
  }

  @Test
  void rejectsBytesWithoutTheSingleObjectHeader() {
    assertThatThrownBy(() -> samples.decode("{\"id\":1}".getBytes()))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(WireFormatException.Reason.NOT_SINGLE_OBJECT));
  }

  @Test
  void rejectsAnUnknownSchemaFingerprint() throws Exception {
    Schema stranger = SchemaBuilder.record("Stranger").fields().requiredInt("x").endRecord();
    GenericRecord record = new GenericData.Record(stranger);
    record.put("x", 1);
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), stranger).encode(record).array();

    assertThatThrownBy(() -> samples.decode(bytes))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(WireFormatException.Reason.UNKNOWN_SCHEMA));
  }

  @Test
  void rejectsATruncatedBody() {
    byte[] bytes = samples.encode(sample("s-1", 1, null));
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 5);

    assertThatThrownBy(() -> samples.decode(truncated))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(WireFormatException.Reason.CORRUPT_RECORD));
  }

  /** A length prefix of 2^35 (zig-zag varint 80 80 80 80 80 02) on the sample id, in 19 bytes. */
  @Test
  void rejectsAStringLongerThanTheBytesLeft() {
    byte[] poison = poison(LabeledSample.getClassSchema(), varint(1L << 35), "abc".getBytes());

    assertThat(poison).hasSize(19);
    assertCorrupt(samples, poison, "field id", "34359738368 bytes");
  }

  @Test
  void rejectsAnArrayCountLargerThanTheBytesLeft() {
    for (long count : new long[] {1L << 40, 2_147_483_630L}) {
      byte[] poison =
          poison(
              LabeledSample.getClassSchema(),
              string("s-1"),
              string("k"),
              varint(count),
              new byte[8]);

      assertCorrupt(samples, poison, "field features", count + " items");
    }
  }

  @Test
  void rejectsALabelWhoseSampleIdIsLongerThanTheBytesLeft() {
    WireCodec<SampleLabel> labels = WireCodec.sampleLabels();

    assertCorrupt(
        labels,
        poison(SampleLabel.getClassSchema(), varint(2_147_483_630L), new byte[10]),
        "field sampleId");
  }

  @Test
  void rejectsBytesLeftOverAfterACompleteRecord() {
    byte[] whole = samples.encode(sample("s-1", 1, null));
    byte[] longer = Arrays.copyOf(whole, whole.length + 2);

    assertCorrupt(samples, longer, "2 bytes left over");
  }

  @Test
  void rejectsAUnionBranchTheSchemaDoesNotHave() {
    byte[] poison =
        poison(
            LabeledSample.getClassSchema(),
            string("s-1"),
            string("k"),
            varint(0),
            varint(5),
            new byte[8],
            varint(0));

    assertCorrupt(samples, poison, "field label", "branch 5");
  }

  private static void assertCorrupt(WireCodec<?> codec, byte[] message, String... saying) {
    assertThatThrownBy(() -> codec.decode(message))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(WireFormatException.Reason.CORRUPT_RECORD);
              assertThat(e.getMessage()).contains(saying);
            });
  }

  /** The writer schema's single-object header (marker and fingerprint), then the body's pieces. */
  private static byte[] poison(Schema writer, byte[]... body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0xC3, 0x01});
    out.writeBytes(
        ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putLong(SchemaNormalization.parsingFingerprint64(writer))
            .array());
    for (byte[] piece : body) {
      out.writeBytes(piece);
    }
    return out.toByteArray();
  }

  private static byte[] string(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    byte[] length = varint(utf8.length);
    byte[] both = Arrays.copyOf(length, length.length + utf8.length);
    System.arraycopy(utf8, 0, both, length.length, utf8.length);
    return both;
  }

  /** Avro's zig-zag variable-length encoding of a long, as length prefixes and counts use. */
  private static byte[] varint(long value) {
    byte[] buffer = new byte[10];
    return Arrays.copyOf(buffer, BinaryData.encodeLong(value, buffer, 0));
  }

  private static Schema historic(String resource) throws Exception {
    try (InputStream in = WireCodec.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    }
  }

  private static byte[] encode(Schema writer, GenericRecord record) throws Exception {
    return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer)
        .encode(record)
        .array();
  }

  private static GenericRecord checkpoint(Schema schema, String format) {
    GenericRecord checkpoint = new GenericData.Record(schema);
    checkpoint.put("key", "k");
    checkpoint.put("version", 7L);
    checkpoint.put("steps", 7L);
    checkpoint.put("samplesSeen", 70L);
    checkpoint.put("createdAt", 99L);
    checkpoint.put(
        "modelFormat", new GenericData.EnumSymbol(schema.getField("modelFormat").schema(), format));
    checkpoint.put("model", java.nio.ByteBuffer.wrap(new byte[] {1, 2}));
    checkpoint.put("metrics", Map.of());
    checkpoint.put("configDigest", "abc");
    return checkpoint;
  }

  private static LabeledSample sample(String id, Integer label, Double target) {
    return LabeledSample.newBuilder()
        .setId(id)
        .setKey("k")
        .setFeatures(List.of(0.5f, -1.5f, 3f))
        .setLabel(label)
        .setTarget(target)
        .setEventTime(Instant.ofEpochMilli(42))
        .build();
  }
}
