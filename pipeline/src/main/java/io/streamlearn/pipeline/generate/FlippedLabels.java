package io.streamlearn.pipeline.generate;

import io.streamlearn.schemas.LabeledSample;
import java.util.Iterator;

/**
 * A binary concept turned upside down: the samples of another stream with every label flipped. As
 * the new concept of a {@link ConceptDriftStream} it is a change of known, maximal size: two random
 * hyperplanes of {@link RotatingHyperplane}'s kind agree on most inputs, so a change from one to
 * the other is small, and a fast learner follows it before a detector can tell it from noise.
 */
public final class FlippedLabels implements Iterator<LabeledSample> {

  private final Iterator<LabeledSample> samples;

  public FlippedLabels(Iterator<LabeledSample> samples) {
    this.samples = samples;
  }

  @Override
  public boolean hasNext() {
    return samples.hasNext();
  }

  @Override
  public LabeledSample next() {
    LabeledSample sample = samples.next();
    if (sample.getLabel() == null || sample.getLabel() > 1) {
      throw new IllegalStateException("only binary labels flip: sample " + sample.getId());
    }
    return LabeledSample.newBuilder(sample).setLabel(1 - sample.getLabel()).build();
  }
}
