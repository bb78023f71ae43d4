package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.WireCodec;

/** Decodes the samples topic: records that do not fit the model go to the dead letters. */
public class SampleDecoder extends RecordDecoder<LabeledSample> {

  public SampleDecoder(ModelShape shape, int maxRecordBytes) {
    super(
        maxRecordBytes,
        WireCodec::labeledSamples,
        new SampleValidator(shape)::problemWith,
        LabeledSample::getKey,
        LabeledSample::getId);
  }
}
