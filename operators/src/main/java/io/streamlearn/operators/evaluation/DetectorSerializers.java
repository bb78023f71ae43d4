package io.streamlearn.operators.evaluation;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.drift.DriftDetector;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/**
 * Keep drift detectors in keyed state as their versioned encodings: one serializer per detector
 * type, since an encoding does not say which type wrote it. Savepoints name the snapshot classes:
 * moving or renaming them makes them unreadable.
 */
public final class DetectorSerializers {

  private DetectorSerializers() {}

  /** The serializer of the detectors of {@code type}. */
  public static TypeSerializer<DriftDetector> of(DetectorType type) {
    return switch (type) {
      case ADWIN -> new AdwinSerializer();
      case PAGE_HINKLEY -> new PageHinkleySerializer();
      case NONE -> throw new IllegalArgumentException("no drift detector is configured");
    };
  }

  public static final class AdwinSerializer extends DetectorSerializer {
    public AdwinSerializer() {
      super(DetectorType.ADWIN);
    }

    @Override
    public TypeSerializerSnapshot<DriftDetector> snapshotConfiguration() {
      return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DriftDetector> {
      public Snapshot() {
        super(AdwinSerializer::new);
      }
    }
  }

  public static final class PageHinkleySerializer extends DetectorSerializer {
    public PageHinkleySerializer() {
      super(DetectorType.PAGE_HINKLEY);
    }

    @Override
    public TypeSerializerSnapshot<DriftDetector> snapshotConfiguration() {
      return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DriftDetector> {
      public Snapshot() {
        super(PageHinkleySerializer::new);
      }
    }
  }

  /** A detector encodes itself; its type decodes it. */
  abstract static class DetectorSerializer extends EncodedObjectSerializer<DriftDetector> {

    private final DetectorType type;

    DetectorSerializer(DetectorType type) {
      this.type = type;
    }

    @Override
    protected byte[] encode(DriftDetector detector) {
      return detector.encode();
    }

    @Override
    protected DriftDetector decode(byte[] bytes) {
      return type.decode(bytes);
    }
  }
}
