package io.streamlearn.pipeline;

import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What a run committed to its predictions and checkpoints topics, each in topic order. */
record RunOutputs(List<Prediction> predictions, List<ModelCheckpoint> checkpoints) {

  /** Each key's last published checkpoint: its final model. */
  Map<String, ModelCheckpoint> finalModels() {
    Map<String, ModelCheckpoint> last = new LinkedHashMap<>();
    checkpoints.forEach(checkpoint -> last.put(checkpoint.getKey(), checkpoint));
    return last;
  }

  /** These outputs with only the first committed prediction of each sample. */
  RunOutputs firstPredictionOfEachSample() {
    Map<String, Prediction> first = new LinkedHashMap<>();
    predictions.forEach(prediction -> first.putIfAbsent(prediction.getSampleId(), prediction));
    return new RunOutputs(List.copyOf(first.values()), checkpoints);
  }

  /** The versions each key published, in topic order. */
  Map<String, List<Long>> publishedVersions() {
    return checkpoints.stream()
        .collect(
            Collectors.groupingBy(
                ModelCheckpoint::getKey,
                LinkedHashMap::new,
                Collectors.mapping(ModelCheckpoint::getVersion, Collectors.toList())));
  }
}
