package io.streamlearn.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;

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

  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  private WireCodec(
      BinaryMessageEncoder<T> encoder,
      Function<SchemaStore, BinaryMessageDecoder<T>> decoderFactory,
      List<String> historicSchemas) {
    this.encoder = encoder;
    SchemaStore.Cache store = new SchemaStore.Cache();
    for (String resource : historicSchemas) {
      store.addSchema(loadSchema(resource));
    }
    this.decoder = decoderFactory.apply(store);
  }

  public static WireCodec<LabeledSample> labeledSamples() {
    return new WireCodec<>(
        LabeledSample.getEncoder(),
        LabeledSample::createDecoder,
        List.of("history/LabeledSample-v1.avsc"));
  }

  public static WireCodec<SampleLabel> sampleLabels() {
    return new WireCodec<>(SampleLabel.getEncoder(), SampleLabel::createDecoder, List.of());
  }

  public static WireCodec<Prediction> predictions() {
    return new WireCodec<>(Prediction.getEncoder(), Prediction::createDecoder, List.of());
  }

  public static WireCodec<ModelCheckpoint> modelCheckpoints() {
    // Version 1 knew one model format: its messages resolve to the current enum unchanged.
    return new WireCodec<>(
        ModelCheckpoint.getEncoder(),
        ModelCheckpoint::createDecoder,
        List.of("history/ModelCheckpoint-v1.avsc"));
  }

  public static WireCodec<DeadLetter> deadLetters() {
    // Version 1 had fewer reasons: its messages resolve to the current enum unchanged.
    return new WireCodec<>(
        DeadLetter.getEncoder(), DeadLetter::createDecoder, List.of("history/DeadLetter-v1.avsc"));
  }

  public static WireCodec<MetricsEvent> metricsEvents() {
    return new WireCodec<>(MetricsEvent.getEncoder(), MetricsEvent::createDecoder, List.of());
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

  /** Decodes one message, telling why it cannot be decoded when it cannot. */
  public T decode(byte[] message) throws WireFormatException {
    if (message == null) {
      throw new WireFormatException(WireFormatException.Reason.NOT_SINGLE_OBJECT, "empty message");
    }
    try {
      return decoder.decode(message);
    } catch (BadHeaderException e) {
      throw new WireFormatException(
          WireFormatException.Reason.NOT_SINGLE_OBJECT,
          "not Avro single-object encoded (no C3 01 header): " + e.getMessage());
    } catch (MissingSchemaException e) {
      throw new WireFormatException(WireFormatException.Reason.UNKNOWN_SCHEMA, e.getMessage());
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
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
