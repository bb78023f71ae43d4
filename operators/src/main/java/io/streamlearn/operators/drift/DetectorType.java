package io.streamlearn.operators.drift;

/** Which drift detector watches a model's errors, with its default parameters; or none. */
public enum DetectorType {
  ADWIN {
    @Override
    public DriftDetector newDetector() {
      return new Adwin();
    }

    @Override
    public DriftDetector decode(byte[] bytes) {
      return Adwin.decode(bytes);
    }
  },
  PAGE_HINKLEY {
    @Override
    public DriftDetector newDetector() {
      return new PageHinkley();
    }

    @Override
    public DriftDetector decode(byte[] bytes) {
      return PageHinkley.decode(bytes);
    }
  },
  NONE {
    @Override
    public DriftDetector newDetector() {
      throw new UnsupportedOperationException("no drift detector is configured");
    }

    @Override
    public DriftDetector decode(byte[] bytes) {
      throw new UnsupportedOperationException("no drift detector is configured");
    }
  };

  public abstract DriftDetector newDetector();

  /** The detector of this type that {@link DriftDetector#encode()} wrote. */
  public abstract DriftDetector decode(byte[] bytes);
}
