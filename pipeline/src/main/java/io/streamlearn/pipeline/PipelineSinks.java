package io.streamlearn.pipeline;

import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import org.apache.flink.api.connector.sink2.Sink;

/** Where the job's outputs go: Kafka topics in production, collecting sinks in tests. */
public record PipelineSinks(
    Sink<Prediction> predictions,
    Sink<ModelCheckpoint> checkpoints,
    Sink<DeadLetter> deadLetters,
    Sink<MetricsEvent> metrics) {}
