package io.streamlearn.pipeline;

import static io.streamlearn.schemas.DeadLetterReason.CORRUPT_RECORD;
import static io.streamlearn.schemas.DeadLetterReason.FEATURE_COUNT_MISMATCH;
import static io.streamlearn.schemas.DeadLetterReason.LABEL_OUT_OF_RANGE;
import static io.streamlearn.schemas.DeadLetterReason.MISSING_KEY;
import static io.streamlearn.schemas.DeadLetterReason.MISSING_SAMPLE_ID;
import static io.streamlearn.schemas.DeadLetterReason.NON_FINITE_FEATURE;
import static io.streamlearn.schemas.DeadLetterReason.NOT_SINGLE_OBJECT;
import static io.streamlearn.schemas.DeadLetterReason.RECORD_TOO_LARGE;
import static io.streamlearn.schemas.DeadLetterReason.UNKNOWN_SCHEMA;

import io.streamlearn.operators.ModelShape;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Every way a record on the samples topic can be unusable that the job detects before training,
 * each made from a sample and paired with the reason the job must give for rejecting it. The
 * training-time reason, DIVERGED_BATCH, is not a property of a record: see DivergenceITCase.
 */
enum SampleDefect {
  NOT_AVRO(NOT_SINGLE_OBJECT) {
    @Override
    byte[] encode(LabeledSample sample) {
      return (sample.getId() + "," + sample.getFeatures()).getBytes(StandardCharsets.UTF_8);
    }
  },
  EMPTY_VALUE(NOT_SINGLE_OBJECT) {
    @Override
    byte[] encode(LabeledSample sample) {
      return new byte[0];
    }
  },
  /** A record without a value, as a compaction delete marker would be. */
  TOMBSTONE(NOT_SINGLE_OBJECT) {
    @Override
    byte[] encode(LabeledSample sample) {
      return null;
    }
  },
  /** Written by a producer that has a LabeledSample version the job does not know yet. */
  FUTURE_SCHEMA_VERSION(UNKNOWN_SCHEMA) {
    @Override
    byte[] encode(LabeledSample sample) {
      return encodeWithFutureSchema(sample);
    }
  },
  /** Another record type written to the wrong topic. */
  OTHER_RECORD_TYPE(UNKNOWN_SCHEMA) {
    @Override
    byte[] encode(LabeledSample sample) {
      return WireCodec.predictions()
          .encode(
              Prediction.newBuilder()
                  .setSampleId(sample.getId())
                  .setKey(sample.getKey())
                  .setModelVersion(0)
                  .setScores(List.of(0.5f, 0.5f))
                  .setEventTime(sample.getEventTime())
                  .setPredictionTime(sample.getEventTime())
                  .build());
    }
  },
  /** The right header, but the body ends halfway. */
  TRUNCATED_BODY(CORRUPT_RECORD) {
    @Override
    byte[] encode(LabeledSample sample) {
      byte[] whole = super.encode(sample);
      return Arrays.copyOf(
          whole, SINGLE_OBJECT_HEADER_BYTES + (whole.length - SINGLE_OBJECT_HEADER_BYTES) / 2);
    }
  },
  /**
   * The sample id's length prefix claims 2^35 bytes (six bytes, 80 80 80 80 80 02): Avro threw
   * UnsupportedOperationException, and the job restarted over this record forever.
   */
  HUGE_STRING_LENGTH(CORRUPT_RECORD) {
    @Override
    byte[] encode(LabeledSample sample) {
      return poison(sample, body -> body.writeLong(1L << 35), sample.getId());
    }
  },
  /** The features claim 2^40 items: past Avro's limit, like the string above. */
  HUGE_ARRAY_COUNT(CORRUPT_RECORD) {
    @Override
    byte[] encode(LabeledSample sample) {
      return poison(sample, body -> arrayClaiming(body, sample, 1L << 40), "1234");
    }
  },
  /** The features claim 2,147,483,630 items: under Avro's limit, Avro allocated the array. */
  ARRAY_COUNT_JUST_UNDER_AVRO_LIMIT(CORRUPT_RECORD) {
    @Override
    byte[] encode(LabeledSample sample) {
      return poison(sample, body -> arrayClaiming(body, sample, 2_147_483_630L), "1234");
    }
  },
  /** A whole record and then a byte more. */
  BYTES_LEFT_OVER(CORRUPT_RECORD) {
    @Override
    byte[] encode(LabeledSample sample) {
      byte[] whole = super.encode(sample);
      return Arrays.copyOf(whole, whole.length + 1);
    }
  },
  EMPTY_SAMPLE_ID(MISSING_SAMPLE_ID) {
    @Override
    LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
      return LabeledSample.newBuilder(sample).setId("").build();
    }
  },
  EMPTY_KEY(MISSING_KEY) {
    @Override
    LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
      return LabeledSample.newBuilder(sample).setKey("").build();
    }
  },
  BLANK_KEY(MISSING_KEY) {
    @Override
    LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
      return LabeledSample.newBuilder(sample).setKey(" \t").build();
    }
  },
  TOO_FEW_FEATURES(FEATURE_COUNT_MISMATCH) {
    @Override
    LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
      return withFeatures(sample, sample.getFeatures().subList(0, shape.features() - 1));
    }
  },
  TOO_MANY_FEATURES(FEATURE_COUNT_MISMATCH) {
    @Override
    LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
      List<Float> features = new ArrayList<>(sample.getFeatures());
      features.addAll(sample.getFeatures());
      return withFeatures(sample, features);
    }
  },
  NAN_FEATURE(NON_FINITE_FEATURE) {
    @Override
    LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
      return withFeature(sample, 0, Float.NaN);
    }
  },
  INFINITE_FEATURE(NON_FINITE_FEATURE) {
    @Override
    LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
      return withFeature(sample, shape.features() - 1, Float.POSITIVE_INFINITY);
    }
  },
  NEGATIVE_INFINITE_FEATURE(NON_FINITE_FEATURE) {
    @Override
    LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
      return withFeature(sample, 1, Float.NEGATIVE_INFINITY);
    }
  },
  LABEL_TOO_HIGH(LABEL_OUT_OF_RANGE) {
    @Override
    LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
      return LabeledSample.newBuilder(sample).setLabel(shape.classes()).build();
    }
  },
  NEGATIVE_LABEL(LABEL_OUT_OF_RANGE) {
    @Override
    LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
      return LabeledSample.newBuilder(sample).setLabel(-1).build();
    }
  },
  /** A sample that is fine but for its size: the limit alone must reject it. */
  OVERSIZED(RECORD_TOO_LARGE) {
    @Override
    LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
      return LabeledSample.newBuilder(sample)
          .setId(sample.getId() + "/" + "x".repeat(maxRecordBytes))
          .build();
    }
  };

  /** {@code C3 01} and the 8-byte schema fingerprint. */
  private static final int SINGLE_OBJECT_HEADER_BYTES = 10;

  /** Reasons given after decoding, when the dead letter can name the sample. */
  private static final Set<DeadLetterReason> FOUND_IN_DECODED_SAMPLES =
      EnumSet.of(
          MISSING_SAMPLE_ID,
          MISSING_KEY,
          FEATURE_COUNT_MISMATCH,
          NON_FINITE_FEATURE,
          LABEL_OUT_OF_RANGE);

  private final DeadLetterReason reason;

  SampleDefect(DeadLetterReason reason) {
    this.reason = reason;
  }

  DeadLetterReason reason() {
    return reason;
  }

  /** Whether the job decodes the record before rejecting it, and so knows the sample's id. */
  boolean isDecodable() {
    return FOUND_IN_DECODED_SAMPLES.contains(reason);
  }

  /**
   * The sample with this defect, for a model of {@code shape}; unchanged if the defect is in the
   * bytes.
   */
  LabeledSample spoil(LabeledSample sample, ModelShape shape, int maxRecordBytes) {
    return LabeledSample.newBuilder(sample).build();
  }

  /** The record value with this defect; null for no value at all. */
  byte[] encode(LabeledSample sample) {
    return WireCodec.labeledSamples().encode(sample);
  }

  /**
   * The sample's single-object header, then what {@code claim} writes, then {@code tail}'s bytes: a
   * record of a few dozen bytes that claims far more.
   */
  private static byte[] poison(LabeledSample sample, BodyWriter claim, String tail) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(WireCodec.labeledSamples().encode(sample), 0, SINGLE_OBJECT_HEADER_BYTES);
    BinaryEncoder body = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      claim.write(body);
      body.writeFixed(tail.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The sample's id and key, then a features array whose first block claims {@code count}. */
  private static void arrayClaiming(BinaryEncoder body, LabeledSample sample, long count)
      throws IOException {
    body.writeString(sample.getId());
    body.writeString(sample.getKey());
    body.writeLong(count);
  }

  private interface BodyWriter {
    void write(BinaryEncoder body) throws IOException;
  }

  private static LabeledSample withFeatures(LabeledSample sample, List<Float> features) {
    return LabeledSample.newBuilder(sample).setFeatures(new ArrayList<>(features)).build();
  }

  private static LabeledSample withFeature(LabeledSample sample, int index, float value) {
    List<Float> features = new ArrayList<>(sample.getFeatures());
    features.set(index, value);
    return withFeatures(sample, features);
  }

  /**
   * The sample in single-object encoding under a LabeledSample schema with one more field: valid
   * Avro whose fingerprint is neither the current nor an earlier version.
   */
  private static byte[] encodeWithFutureSchema(LabeledSample sample) {
    Schema current = LabeledSample.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : current.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    fields.add(
        new Schema.Field("weight", Schema.create(Schema.Type.DOUBLE), "Added in version 3", 1.0));
    Schema future =
        Schema.createRecord(
            current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    GenericRecord record = new GenericData.Record(future);
    for (Schema.Field field : current.getFields()) {
      record.put(field.name(), sample.get(field.name()));
    }
    // Generic data has no timestamp conversion: write the logical type's underlying long.
    record.put("eventTime", sample.getEventTime().toEpochMilli());
    record.put("weight", 2.0);
    try {
      ByteBuffer encoded =
          new BinaryMessageEncoder<GenericRecord>(GenericData.get(), future).encode(record);
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
