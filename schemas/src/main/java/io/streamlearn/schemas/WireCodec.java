package io.streamlearn.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.RawMessageDecoder;
import org.apache.avro.specific.SpecificData;

/**
 * Encodes and decodes one record type in Avro single-object encoding (the spec's {@code C3 01}
 * marker, the writer schema's 64-bit fingerprint, then the binary record), so that any Avro library
 * decodes Streamlearn's messages with nothing but the {@code .avsc} files.
 *
 * <p>The decoder knows the current schema and every earlier version kept under {@code
 * io/streamlearn/schemas/history/}: a message written by an older producer is resolved to the
 * current record, and a message whose fingerprint matches none of them is rejected as {@link
 * WireFormatException.Reason#UNKNOWN_SCHEMA}.
 *
 * <p>Instances are not thread-safe; Flink functions create theirs in {@code open}.
 */
public final class WireCodec<T> {

  /** {@code C3 01} and the 8-byte little-endian fingerprint of the writer schema. */
  private static final int HEADER_BYTES = 10;

  private final BinaryMessageEncoder<T> encoder;

  /** The known writer schemas (current and earlier versions) by fingerprint. */
  private final Map<Long, Schema> writers = new HashMap<>();

  /** Per known writer schema, a decoder that resolves its bodies to the current record. */
  private final Map<Long, RawMessageDecoder<T>> decoders = new HashMap<>();

  private WireCodec(Class<T> type, List<String> historicSchemas) {
    SpecificData model = SpecificData.getForClass(type);
    Schema current = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, current);
    List<Schema> known = new ArrayList<>();
    known.add(current);
    for (String resource : historicSchemas) {
      known.add(loadSchema(resource));
    }
    for (Schema writer : known) {
      long fingerprint = SchemaNormalization.parsingFingerprint64(writer);
      writers.put(fingerprint, writer);
      decoders.put(fingerprint, new RawMessageDecoder<>(model, writer, current));
    }
  }

  public static WireCodec<LabeledSample> labeledSamples() {
    return new WireCodec<>(
        LabeledSample.class,
        List.of("history/LabeledSample-v1.avsc", "history/LabeledSample-v2.avsc"));
  }

  public static WireCodec<SampleLabel> sampleLabels() {
    return new WireCodec<>(SampleLabel.class, List.of("history/SampleLabel-v1.avsc"));
  }

  public static WireCodec<Prediction> predictions() {
    return new WireCodec<>(Prediction.class, List.of("history/Prediction-v1.avsc"));
  }

  public static WireCodec<ModelCheckpoint> modelCheckpoints() {
    // Version 1 knew one model format: its messages resolve to the current enum unchanged.
    return new WireCodec<>(
        ModelCheckpoint.class,
        List.of("history/ModelCheckpoint-v1.avsc", "history/ModelCheckpoint-v2.avsc"));
  }

  public static WireCodec<DeadLetter> deadLetters() {
    // Version 1 had fewer reasons: its messages resolve to the current enum unchanged.
    return new WireCodec<>(DeadLetter.class, List.of("history/DeadLetter-v1.avsc"));
  }

  public static WireCodec<MetricsEvent> metricsEvents() {
    return new WireCodec<>(MetricsEvent.class, List.of());
  }

  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode " + record, e);
    }
  }

  /**
   * Decodes one message, telling why it cannot be decoded when it cannot. Whatever the bytes, it
   * throws nothing else and allocates little more than the message's own size: the body must be
   * exactly one record of its writer schema, with every length and count within the message (see
   * {@link BodyCheck}), before Avro reads it.
   */
  public T decode(byte[] message) throws WireFormatException {
    if (message == null
        || message.length < HEADER_BYTES
        || message[0] != (byte) 0xC3
        || message[1] != 0x01) {
      throw new WireFormatException(
          WireFormatException.Reason.NOT_SINGLE_OBJECT,
          "not Avro single-object encoded (no C3 01 header and schema fingerprint)");
    }
    long fingerprint = ByteBuffer.wrap(message, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Schema writer = writers.get(fingerprint);
    if (writer == null) {
      throw new WireFormatException(
          WireFormatException.Reason.UNKNOWN_SCHEMA,
          "no known schema has the fingerprint " + Long.toHexString(fingerprint));
    }
    BodyCheck.check(writer, message, HEADER_BYTES);
    try {
      return decoders
          .get(fingerprint)
          .decode(ByteBuffer.wrap(message, HEADER_BYTES, message.length - HEADER_BYTES));
    } catch (IOException | RuntimeException e) {
      // The body passed the check, so this is not expected; but the bytes come from outside and a
      // record that Avro cannot read must still be rejected, not fail the job.
      throw new WireFormatException(
          WireFormatException.Reason.CORRUPT_RECORD,
          "the record body does not match its schema: " + e);
    }
  }

  private static Schema loadSchema(String resource) {
    try (InputStream in = WireCodec.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Schema resource missing from the jar: " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read schema " + resource, e);
    }
  }
}
