package io.graphcf.propagation.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.propagation.eval.UserScorer;
import io.graphcf.propagation.model.ModelReader;
import io.graphcf.propagation.model.ModelWriter;
import java.io.IOException;

/**
 * A gradient-trained model driven epoch by epoch by the shared training loop (LightGCN, MF-BPR,
 * UltraGCN, LightGCL). The loop owns evaluation, early stopping, checkpoints and logging; the
 * trainer owns its parameters, optimiser state and random streams.
 *
 * <p>Saved-model convention (the one model format): an embedding model writes its final
 * embeddings as entries {@code user_embedding} (numUsers × dim) and {@code item_embedding}
 * (numItems × dim) and sets meta {@code "kind": "embedding"}; serving needs nothing else. What
 * resume needs (ego embeddings, Adam moments, step counts, RNG state or epoch) goes in further
 * entries and in {@link #state()}.
 */
public interface EpochTrainer {
  /** Model name as the CLI spells it, e.g. {@code "lightgcn"}. */
  String modelName();

  /** Every hyperparameter and the seed, for the model's metadata. */
  ObjectNode hyperparameters();

  /** Optimiser steps (batches) per epoch, for the loop's progress bar; 0 if unknown. */
  default long stepsPerEpoch() {
    return 0;
  }

  /** The loop's progress callback: the trainer calls {@code listener.accept(1)} after each step. */
  default void progressListener(java.util.function.LongConsumer listener) {}

  /** Runs one epoch (epochs count from 1) and returns its mean training loss. */
  double trainEpoch(int epoch);

  /** A thread-safe scorer of the current parameters (valid until the next {@link #trainEpoch}). */
  UserScorer scorer();

  /** Writes final embeddings plus everything resume needs. Does not commit. */
  void save(ModelWriter writer) throws IOException;

  /** Small resume state for the metadata (e.g. optimiser step count). */
  ObjectNode state();

  /** Restores parameters and optimiser state written by {@link #save} with metadata {@code state}. */
  void restore(ModelReader reader, ObjectNode state) throws IOException;
}
