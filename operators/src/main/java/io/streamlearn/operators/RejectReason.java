package io.streamlearn.operators;

/** Why a record from the samples topic could not be used. Stable names: they appear in metrics. */
public enum RejectReason {
  NOT_SINGLE_OBJECT,
  UNKNOWN_SCHEMA,
  CORRUPT_RECORD,
  MISSING_KEY,
  FEATURE_COUNT_MISMATCH,
  NON_FINITE_FEATURE,
  LABEL_OUT_OF_RANGE;

  /** Metric name of this reason's counter, e.g. {@code rejectedNotSingleObject}. */
  public String counterName() {
    StringBuilder name = new StringBuilder("rejected");
    for (String word : name().split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return name.toString();
  }
}
