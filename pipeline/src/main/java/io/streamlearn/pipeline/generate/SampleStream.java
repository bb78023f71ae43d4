package io.streamlearn.pipeline.generate;

import io.streamlearn.schemas.LabeledSample;
import java.util.Iterator;

/**
 * An endless stream of labeled samples for one or more model keys, such as the standard streams of
 * {@link StandardStream}: what {@code demo} and {@code produce --generate} send, and what a model
 * learning it must be shaped for.
 */
public interface SampleStream extends Iterator<LabeledSample> {

  /** The length of every sample's feature vector. */
  int features();

  /**
   * The number of classes; labels are 0 to {@code classes() - 1}. 0 for a regression stream, whose
   * samples carry a target instead of a label.
   */
  int classes();

  /** Whether each sample carries the set of its classes that hold instead of one class label. */
  default boolean multiLabel() {
    return false;
  }

  /**
   * The number of regression targets a sample carries: 1 in {@code target}, more in {@code
   * targets}; 0 for a classification stream.
   */
  default int outputs() {
    return classes() == 0 ? 1 : 0;
  }
}
